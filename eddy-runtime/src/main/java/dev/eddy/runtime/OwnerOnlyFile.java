package dev.eddy.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files that hold an instance's keys ({@code keys.json}, {@code eddy.json}): readable and
 * writable by their owner only, as SSH keeps its keys, where the default would let every local
 * user read them. On a file system without POSIX permissions they are plain files.
 */
final class OwnerOnlyFile {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private OwnerOnlyFile() {}

    /** Creates the file, empty, for its owner only; fails if it exists. */
    static Path create(Path file) throws IOException {
        return posix(file)
                ? Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                : Files.createFile(file);
    }

    /** Narrows an existing file to its owner, as one written by an earlier version may not be. */
    static void restrict(Path file) throws IOException {
        if (posix(file)) Files.setPosixFilePermissions(file, OWNER_ONLY);
    }

    private static boolean posix(Path file) {
        return file.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
