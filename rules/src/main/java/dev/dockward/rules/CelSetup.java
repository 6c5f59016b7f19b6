package dev.dockward.rules;

import dev.cel.common.CelOptions;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.extensions.CelStringExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.List;

/**
 * The one CEL environment every rule is compiled and run in. All variables are {@code map(string,
 * dyn)}: event documents are schemaless JSON, so field access is checked at run time (a missing key
 * is an evaluation error, i.e. no match) rather than at load time. Besides the standard functions,
 * CEL's string extension ({@code substring}, {@code indexOf}, {@code split}, {@code lowerAscii},
 * {@code replace}, {@code trim}, …): rules cut paths apart, e.g. a bind mount's source off a host
 * path.
 */
final class CelSetup {
  static final List<String> VARIABLES =
      List.of("event", "proc", "container", "host", "flow", "res", "lists");

  // Heterogeneous comparisons let `res.cpu > 2` compare a Double field with an int literal;
  // without it CEL finds no overload and the rule silently never matches.
  private static final CelOptions OPTIONS =
      CelOptions.current().enableHeterogeneousNumericComparisons(true).build();

  // Declared before the compiler and runtime: static fields are initialised in order.
  private static final CelStringExtensions STRINGS = CelExtensions.strings();

  static final CelCompiler COMPILER = buildCompiler();
  static final CelRuntime RUNTIME =
      CelRuntimeFactory.standardCelRuntimeBuilder()
          .setOptions(OPTIONS)
          .addLibraries(STRINGS)
          .build();

  private CelSetup() {}

  private static CelCompiler buildCompiler() {
    var builder =
        CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addLibraries(STRINGS);
    for (String name : VARIABLES) {
      builder.addVar(name, MapType.create(SimpleType.STRING, SimpleType.DYN));
    }
    return builder.build();
  }
}
