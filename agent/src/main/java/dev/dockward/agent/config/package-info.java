/**
 * The agent's YAML configuration: records with defaults (so no file is needed), strict loading (an
 * unknown key is an error naming it and where it is) and validation.
 */
package dev.dockward.agent.config;
