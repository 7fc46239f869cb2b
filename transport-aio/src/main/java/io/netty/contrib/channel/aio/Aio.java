package io.netty.contrib.channel.aio;

import io.netty.util.internal.NativeLibraryLoader;
import io.netty.util.internal.PlatformDependent;
import io.netty.util.internal.SystemPropertyUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * Tells whether Linux native AIO can be used in this JVM: the native library loaded and the kernel created an AIO
 * context and an eventfd. Same contract as Netty's {@code Epoll}.
 * <p>
 * The answer is found once, when this class is initialized. If AIO cannot be used, one line says why: a warning
 * that names the Maven artifact and classifier to add when the native library is missing or does not load, a
 * warning that quotes the kernel's refusal when the kernel does not allow AIO, and a debug line when native
 * transports are switched off with {@code -Dio.netty.transport.noNative=true} or the system is not Linux.
 */
public final class Aio {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(Aio.class);

    /** The base name of the JNI library; the architecture follows it (IMPORTANT: as in {@code Native}). */
    static final String LIBRARY_NAME = "netty_transport_aio_native";
    /**
     * The Maven coordinates of the native jar, without version and classifier. Written with '!' so that a shading tool
     * that relocates {@code io.netty} does not rewrite this text too.
     */
    static final String NATIVE_ARTIFACT = "io!netty!contrib:netty-transport-aio-native".replace('!', '.');
    /** The architectures for which a native jar is published, as classifier suffixes. */
    private static final String[] PUBLISHED_ARCHS = {"x86_64", "aarch_64"};

    private static final Throwable UNAVAILABILITY_CAUSE;

    static {
        Throwable cause = null;
        if (SystemPropertyUtil.getBoolean("io.netty.transport.noNative", false)) {
            cause = new UnsupportedOperationException(
                    "Native transport was explicit disabled with -Dio.netty.transport.noNative=true");
            logger.debug("Linux native AIO is switched off: -Dio.netty.transport.noNative=true");
        } else {
            try (AioContext probe = new AioContext(1); AioEventFd probeFd = new AioEventFd()) {
                // Both kernel objects exist: AIO works here. Leaving the block destroys them again.
            } catch (Throwable t) {
                cause = t;
                logUnavailability(t);
            }
        }
        UNAVAILABILITY_CAUSE = cause;
    }

    private Aio() {
    }

    /**
     * Tells whether AIO can be used.
     *
     * @return {@code true} if and only if the native library is loaded and the kernel supports AIO
     */
    public static boolean isAvailable() {
        return UNAVAILABILITY_CAUSE == null;
    }

    /**
     * Throws the cause of unavailability wrapped in an {@link UnsatisfiedLinkError} if AIO cannot be used.
     *
     * @throws UnsatisfiedLinkError if AIO is not available; its cause is {@link #unavailabilityCause()}
     */
    public static void ensureAvailability() {
        if (UNAVAILABILITY_CAUSE != null) {
            throw (Error) new UnsatisfiedLinkError(
                    "failed to load the required native library").initCause(UNAVAILABILITY_CAUSE);
        }
    }

    /**
     * Tells why AIO cannot be used.
     *
     * @return the cause of unavailability, or {@code null} if AIO is available
     */
    public static Throwable unavailabilityCause() {
        return UNAVAILABILITY_CAUSE;
    }

    private static void logUnavailability(Throwable cause) {
        String osName = SystemPropertyUtil.get("os.name", "");
        if (!"linux".equals(PlatformDependent.normalizedOs())) {
            logger.debug("Linux native AIO is unavailable: the operating system is {}, not Linux", osName, cause);
            return;
        }
        String prefix = shadingPrefix();
        String message = describe(cause, PlatformDependent.normalizedArch(), version(), prefix,
                libraryResourceFound(prefix));
        if (logger.isDebugEnabled()) {
            logger.warn(message, cause);
        } else {
            logger.warn(message + " (the stack trace is logged at DEBUG level)");
        }
    }

    /**
     * The warning for a cause of unavailability on Linux. Package-private for tests.
     *
     * @param cause what the probe threw
     * @param arch the normalized architecture ({@code x86_64}, {@code aarch_64}, ...)
     * @param version the version of this jar
     * @param shadingPrefix what the library's name starts with when Netty was relocated, else {@code ""}
     * @param libraryFound whether the class path holds the native library of {@code arch}
     */
    static String describe(Throwable cause, String arch, String version, String shadingPrefix,
                           boolean libraryFound) {
        String library = LIBRARY_NAME + '_' + arch;
        String classifier = "linux-" + arch;
        if (hasCause(cause, LinkageError.class)) {
            if (!isPublished(arch)) {
                return "Linux native AIO is unavailable: no native library is published for " + classifier
                        + " (only for linux-x86_64 and linux-aarch_64); files are sent without AIO. Cause: "
                        + messages(cause);
            }
            String dependency = NATIVE_ARTIFACT + ':' + version + ':' + classifier;
            if (!libraryFound && !shadingPrefix.isEmpty()) {
                return "Linux native AIO is unavailable: Netty was relocated, so the native library must be named "
                        + shadingPrefix + library + ", and the class path has no META-INF/native/"
                        + System.mapLibraryName(shadingPrefix + library) + ". Rename the library of " + dependency
                        + " when shading (with the prefix " + shadingPrefix + "); until then files are sent without"
                        + " AIO. Cause: " + messages(cause);
            }
            if (!libraryFound) {
                return "Linux native AIO is unavailable: the native library " + library + " is not on the class"
                        + " path. Add the dependency " + dependency + " (the netty-transport-aio-native jar with"
                        + " classifier " + classifier + "); until then files are sent without AIO. Cause: "
                        + messages(cause);
            }
            return "Linux native AIO is unavailable: the native library " + library + " was found but could not be"
                    + " loaded. It must come from " + dependency + ", the same version as netty-transport-aio,"
                    + " and the directory it is unpacked to (-Dio.netty.native.workdir, else the temporary"
                    + " directory) must allow executables; until then files are sent without AIO. Cause: "
                    + messages(cause);
        }
        if (hasCause(cause, IOException.class)) {
            return "Linux native AIO is unavailable: the kernel refused it (" + messages(cause) + "). ENOSYS means a"
                    + " kernel built without CONFIG_AIO, EPERM a seccomp filter (a container's) that forbids"
                    + " io_setup, EAGAIN that fs.aio-max-nr is used up; files are sent without AIO.";
        }
        return "Linux native AIO is unavailable; files are sent without AIO. Cause: " + messages(cause);
    }

    private static boolean isPublished(String arch) {
        for (String published : PUBLISHED_ARCHS) {
            if (published.equals(arch)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    /** The messages of a throwable and its causes, as one line. */
    private static String messages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (sb.length() > 0) {
                sb.append(" <- ");
            }
            sb.append(c.getClass().getName());
            if (c.getMessage() != null) {
                sb.append(": ").append(c.getMessage());
            }
        }
        return sb.toString();
    }

    /**
     * Whether the class path holds the library that {@code Native} loads, under the name that
     * {@link NativeLibraryLoader} looks for: prefixed with the shaded package of Netty, if Netty was relocated.
     */
    private static boolean libraryResourceFound(String shadingPrefix) {
        String name = shadingPrefix + LIBRARY_NAME + '_' + PlatformDependent.normalizedArch();
        ClassLoader loader = PlatformDependent.getClassLoader(Aio.class);
        String resource = "META-INF/native/" + System.mapLibraryName(name);
        return loader == null ? ClassLoader.getSystemResource(resource) != null : loader.getResource(resource) != null;
    }

    private static String shadingPrefix() {
        String actual = NativeLibraryLoader.class.getName();
        // Written with '!' so that a shading tool does not relocate this string as well.
        String unshaded = "io!netty!util!internal!NativeLibraryLoader".replace('!', '.');
        if (actual.endsWith(unshaded)) {
            return actual.substring(0, actual.length() - unshaded.length()).replace('.', '_');
        }
        return "";
    }

    /** The version of this jar, from the file the build writes next to this class. */
    static String version() {
        Properties properties = new Properties();
        try (InputStream in = Aio.class.getResourceAsStream("netty-transport-aio.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException ignore) {
            // The version is only a hint in a message.
        }
        return properties.getProperty("version", "<version>");
    }
}
