package dev.dockward.rules;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Brings an event document into the contract's value types: String, Long, Double, Boolean, List,
 * Map. Jackson gives Integer for small numbers, and CEL's int is Java's Long, so a journal replay
 * and a live event must both reach the rules as Long.
 */
public final class ValueNormaliser {
  private ValueNormaliser() {}

  /**
   * A deep copy of {@code document} with Integer, Short, Byte and in-range BigInteger as Long,
   * Float, BigDecimal and out-of-range BigInteger as Double, and null entries dropped (absent
   * values are omitted in the contract). Other unknown value types become their string form.
   */
  public static Map<String, Object> normalise(Map<String, ?> document) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, ?> entry : document.entrySet()) {
      Object value = value(entry.getValue());
      if (value != null) {
        out.put(String.valueOf(entry.getKey()), value);
      }
    }
    return out;
  }

  /**
   * {@code document} itself when it already holds only the contract's value types (what the
   * collector builds), else {@link #normalise}'s copy: the engine only reads the document, and a
   * live event need not be copied for that. Checking costs a walk without allocation.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> normalisedForReading(Map<String, ?> document) {
    return isNormal(document) ? (Map<String, Object>) document : normalise(document);
  }

  private static boolean isNormal(Object value) {
    if (value instanceof String
        || value instanceof Long
        || value instanceof Double
        || value instanceof Boolean) {
      return true;
    }
    if (value instanceof Map) {
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
        if (!(entry.getKey() instanceof String) || !isNormal(entry.getValue())) {
          return false;
        }
      }
      return true;
    }
    if (value instanceof List) {
      for (Object item : (List<?>) value) {
        if (!isNormal(item)) {
          return false;
        }
      }
      return true;
    }
    return false; // null, Integer, BigDecimal, …: normalise decides
  }

  static Object value(Object value) {
    if (value == null
        || value instanceof String
        || value instanceof Long
        || value instanceof Double
        || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Float) {
      return ((Float) value).doubleValue();
    }
    if (value instanceof BigDecimal) {
      return ((BigDecimal) value).doubleValue();
    }
    if (value instanceof Number) {
      // BigInteger, and CEL's UnsignedLong when evidence values come back through here.
      BigInteger big = new BigInteger(value.toString());
      return big.bitLength() < 64 ? (Object) big.longValue() : (Object) big.doubleValue();
    }
    if (value instanceof Map) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
        Object v = value(entry.getValue());
        if (v != null) {
          out.put(String.valueOf(entry.getKey()), v);
        }
      }
      return out;
    }
    if (value instanceof List) {
      List<Object> out = new ArrayList<>();
      for (Object item : (List<?>) value) {
        Object v = value(item);
        if (v != null) {
          out.add(v);
        }
      }
      return out;
    }
    // CEL's NullValue is "no value" for us.
    if (value.getClass().getSimpleName().equals("NullValue")) {
      return null;
    }
    return value.toString();
  }
}
