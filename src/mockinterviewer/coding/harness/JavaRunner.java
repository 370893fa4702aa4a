// Java harness: `java -cp RUNNER:CLASSES JavaRunner TESTS_JSON FD`, the candidate's classes compiled
// from Solution.java. Protocol on FD (opened as /proc/self/fd/FD), one line each: `S <index>` before
// a test, `D <index> <json>` after it, `F <json>` when the class is missing, `E` at the end.
// JSON arguments are converted to each parameter's declared type (int, long, double, boolean,
// String, arrays, List/Set/Map with their generic types); results are written back as JSON.
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.lang.reflect.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;

public final class JavaRunner {
    private static PrintStream proto;

    public static void main(String[] argv) throws Exception {
        proto = new PrintStream(new FileOutputStream("/proc/self/fd/" + argv[1]), true, StandardCharsets.UTF_8);
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) new Parser(Files.readString(Path.of(argv[0]))).value();
        String task = (String) spec.get("task");
        String entry = (String) spec.get("entry");
        Class<?> cls;
        try {
            cls = Class.forName(task.equals("class") ? entry : "Solution");
        } catch (ClassNotFoundException | LinkageError e) {
            String what = task.equals("class") ? "class " + entry : "class Solution with the method " + entry;
            proto.println("F " + quote(Map.of("error", "Solution.java does not define the " + what)));
            System.exit(0);
            return;
        }
        for (Object item : (List<?>) spec.get("tests")) {
            Map<?, ?> test = (Map<?, ?>) item;
            long index = ((Number) test.get("index")).longValue();
            proto.println("S " + index);
            int op = -1;
            long started = System.nanoTime();
            String line;
            try {
                Object value;
                if (test.containsKey("ops")) {
                    List<?> construct = (List<?>) test.get("construct");
                    Constructor<?> ctor = constructor(cls, construct.size());
                    Object instance = ctor.newInstance(convertAll(construct, ctor.getGenericParameterTypes()));
                    List<Object> values = new ArrayList<>();
                    List<?> ops = (List<?>) test.get("ops");
                    for (op = 0; op < ops.size(); op++) {
                        List<?> call = (List<?>) ops.get(op);
                        List<?> args = (List<?>) call.get(1);
                        Method method = method(cls, (String) call.get(0), args.size());
                        values.add(method.invoke(instance, convertAll(args, method.getGenericParameterTypes())));
                    }
                    value = values;
                } else {
                    List<?> args = (List<?>) test.get("args");
                    Method method = method(cls, entry, args.size());
                    Object self = Modifier.isStatic(method.getModifiers()) ? null : constructor(cls, 0).newInstance();
                    value = method.invoke(self, convertAll(args, method.getGenericParameterTypes()));
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                line = "{\"ok\":true,\"value\":" + write(value) + ",\"seconds\":" + seconds + "}";
            } catch (Throwable e) {
                double seconds = (System.nanoTime() - started) / 1e9;
                Throwable cause = e instanceof InvocationTargetException && e.getCause() != null ? e.getCause() : e;
                String kind = cause instanceof OutOfMemoryError ? "memory" : "error";
                Map<String, Object> report = new LinkedHashMap<>();
                report.put("ok", false);
                report.put("kind", kind);
                report.put("error", describe(cause));
                report.put("op", op);
                report.put("seconds", seconds);
                line = quote(report);
            }
            proto.println("D " + index + " " + line);
        }
        proto.println("E");
        System.exit(0);
    }

    static String describe(Throwable e) {
        if (e instanceof StackOverflowError) return "StackOverflowError: recursion too deep";
        String where = "";
        for (StackTraceElement frame : e.getStackTrace()) {
            if ("Solution.java".equals(frame.getFileName())) {
                where = " (Solution.java line " + frame.getLineNumber() + ")";
                break;
            }
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message) + where;
    }

    static Constructor<?> constructor(Class<?> cls, int arity) throws NoSuchMethodException {
        for (Constructor<?> c : cls.getDeclaredConstructors()) {
            if (c.getParameterCount() == arity) {
                c.setAccessible(true);
                return c;
            }
        }
        throw new NoSuchMethodException(cls.getSimpleName() + " has no constructor taking " + arity + " argument(s)");
    }

    static Method method(Class<?> cls, String name, int arity) throws NoSuchMethodException {
        for (Class<?> c = cls; c != null; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.getName().equals(name) && m.getParameterCount() == arity) {
                    m.setAccessible(true);
                    return m;
                }
            }
        }
        throw new NoSuchMethodException(cls.getSimpleName() + " has no method " + name + " taking " + arity + " argument(s)");
    }

    static Object[] convertAll(List<?> args, Type[] types) {
        Object[] out = new Object[args.size()];
        for (int i = 0; i < out.length; i++) out[i] = convert(args.get(i), types[i]);
        return out;
    }

    static Object convert(Object v, Type type) {
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            Type[] params = p.getActualTypeArguments();
            if (Map.class.isAssignableFrom(raw)) {
                Map<Object, Object> out = new HashMap<>();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) out.put(convert(e.getKey(), params[0]), convert(e.getValue(), params[1]));
                return out;
            }
            Collection<Object> out = Set.class.isAssignableFrom(raw) ? new LinkedHashSet<>() : new ArrayList<>();
            for (Object e : (List<?>) v) out.add(convert(e, params[0]));
            return out;
        }
        if (!(type instanceof Class<?> c) || v == null) return v;
        if (c == int.class || c == Integer.class) return ((Number) number(v)).intValue();
        if (c == long.class || c == Long.class) return ((Number) number(v)).longValue();
        if (c == double.class || c == Double.class) return ((Number) number(v)).doubleValue();
        if (c == float.class || c == Float.class) return ((Number) number(v)).floatValue();
        if (c == char.class || c == Character.class) return ((String) v).charAt(0);
        if (c == String.class) return v instanceof String ? v : String.valueOf(v);
        if (c.isArray()) {
            List<?> list = (List<?>) v;
            Object out = Array.newInstance(c.getComponentType(), list.size());
            for (int i = 0; i < list.size(); i++) Array.set(out, i, convert(list.get(i), c.getComponentType()));
            return out;
        }
        if (Integer.class == c.getComponentType()) return v;
        return v;
    }

    static Object number(Object v) {
        return v instanceof String s ? Double.valueOf(s) : v;
    }

    static String write(Object v) {
        StringBuilder out = new StringBuilder();
        write(v, out);
        return out.toString();
    }

    static void write(Object v, StringBuilder out) {
        if (v == null) out.append("null");
        else if (v instanceof Boolean) out.append(v);
        else if (v instanceof Double d) out.append(d.isNaN() || d.isInfinite() ? quote(d.toString()) : d.toString());
        else if (v instanceof Float f) write((double) f, out);
        else if (v instanceof Number) out.append(v);
        else if (v instanceof String || v instanceof Character) out.append(quote(v.toString()));
        else if (v.getClass().isArray()) {
            out.append('[');
            for (int i = 0; i < Array.getLength(v); i++) {
                if (i > 0) out.append(',');
                write(Array.get(v, i), out);
            }
            out.append(']');
        } else if (v instanceof Iterable<?> items) {
            out.append('[');
            boolean first = true;
            for (Object item : items) {
                if (!first) out.append(',');
                first = false;
                write(item, out);
            }
            out.append(']');
        } else if (v instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) out.append(',');
                first = false;
                out.append(quote(String.valueOf(e.getKey()))).append(':');
                write(e.getValue(), out);
            }
            out.append('}');
        } else out.append(quote(v.toString()));
    }

    static String quote(Object v) {
        if (v instanceof Map) return write(v);
        String s = v.toString();
        StringBuilder out = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (ch < 0x20) out.append(String.format("\\u%04x", (int) ch));
                    else out.append(ch);
                }
            }
        }
        return out.append('"').toString();
    }

    /** A small JSON reader: objects, arrays, strings, numbers (Long or Double), booleans, null. */
    static final class Parser {
        private final String s;
        private int i;

        Parser(String s) { this.s = s; }

        Object value() {
            skip();
            char c = s.charAt(i);
            if (c == '{') {
                i++;
                Map<String, Object> out = new LinkedHashMap<>();
                skip();
                if (s.charAt(i) == '}') { i++; return out; }
                while (true) {
                    skip();
                    String key = (String) value();
                    skip();
                    i++; // ':'
                    out.put(key, value());
                    skip();
                    if (s.charAt(i++) == '}') return out;
                }
            }
            if (c == '[') {
                i++;
                List<Object> out = new ArrayList<>();
                skip();
                if (s.charAt(i) == ']') { i++; return out; }
                while (true) {
                    out.add(value());
                    skip();
                    if (s.charAt(i++) == ']') return out;
                }
            }
            if (c == '"') {
                StringBuilder out = new StringBuilder();
                i++;
                while (s.charAt(i) != '"') {
                    char ch = s.charAt(i++);
                    if (ch == '\\') {
                        char e = s.charAt(i++);
                        switch (e) {
                            case 'n' -> out.append('\n');
                            case 't' -> out.append('\t');
                            case 'r' -> out.append('\r');
                            case 'b' -> out.append('\b');
                            case 'f' -> out.append('\f');
                            case 'u' -> { out.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; }
                            default -> out.append(e);
                        }
                    } else out.append(ch);
                }
                i++;
                return out.toString();
            }
            if (s.startsWith("true", i)) { i += 4; return Boolean.TRUE; }
            if (s.startsWith("false", i)) { i += 5; return Boolean.FALSE; }
            if (s.startsWith("null", i)) { i += 4; return null; }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
            String number = s.substring(start, i);
            if (number.contains(".") || number.contains("e") || number.contains("E")) return Double.valueOf(number);
            return Long.valueOf(number);
        }

        private void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }
    }
}
