/**
 * The network policy stage: judges the flows the network source reports, from their facts, against
 * the policy file and the learned edges, and counts each sender's scan figures ({@link
 * dev.dockward.agent.netpolicy.FlowJudge}); a replay judges journalled flows again under another
 * policy ({@link dev.dockward.agent.netpolicy.RecordedFlows}).
 */
package dev.dockward.agent.netpolicy;
