package dev.eddy.runtime.flink;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.state.IncrementalKeyedStateHandle.HandleAndLocalPath;
import org.apache.flink.runtime.state.IncrementalRemoteKeyedStateHandle;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.OperatorStreamStateHandle;
import org.apache.flink.runtime.state.StateObject;
import org.apache.flink.runtime.state.filesystem.FileStateHandle;
import org.apache.flink.runtime.state.memory.ByteStreamStateHandle;

/**
 * The files a completed checkpoint's state is in, as its {@code _metadata} names them. A
 * checkpoint names them by absolute path (RocksDB's shared files above all), so a data dir moved
 * elsewhere leaves a checkpoint whose restore fails on every attempt: checked before restoring.
 *
 * @param files the local files named, absolute and normalized
 * @param complete whether every state handle was of a kind read here, so that {@code files} holds
 *     all the checkpoint needs; false for kinds Eddy does not use (file merging, changelog,
 *     remote storage)
 */
record CheckpointFiles(List<Path> files, boolean complete) {

    static CheckpointFiles of(Path chkDir) throws IOException {
        CheckpointMetadata metadata;
        try (DataInputStream in = new DataInputStream(Files.newInputStream(chkDir.resolve("_metadata")))) {
            metadata = Checkpoints.loadCheckpointMetadata(in, CheckpointFiles.class.getClassLoader(), chkDir.toUri().toString());
        }
        Walk walk = new Walk();
        for (OperatorState operator : metadata.getOperatorStates()) {
            for (OperatorSubtaskState subtask : operator.getStates()) {
                for (StateObject handle : subtask.getDiscardables()) walk.collect(handle);
            }
        }
        return new CheckpointFiles(List.copyOf(walk.files), walk.complete);
    }

    /** The files named that do not exist. */
    List<Path> missing() {
        return files.stream().filter(file -> !Files.exists(file)).toList();
    }

    private static final class Walk {
        final List<Path> files = new ArrayList<>();
        boolean complete = true;

        void collect(StateObject handle) {
            if (handle instanceof FileStateHandle file) {
                URI uri = file.getFilePath().toUri();
                if (uri.getScheme() == null || uri.getScheme().equals("file")) {
                    files.add(Path.of(uri.getPath()).toAbsolutePath().normalize());
                } else {
                    complete = false;
                }
            } else if (handle instanceof IncrementalRemoteKeyedStateHandle incremental) {
                for (HandleAndLocalPath shared : incremental.getSharedState()) collect(shared.getHandle());
                for (HandleAndLocalPath own : incremental.getPrivateState()) collect(own.getHandle());
                collect(incremental.getMetaDataStateHandle());
            } else if (handle instanceof KeyGroupsStateHandle keyGroups) {
                collect(keyGroups.getDelegateStateHandle());
            } else if (handle instanceof OperatorStreamStateHandle operator) {
                collect(operator.getDelegateStateHandle());
            } else if (!(handle instanceof ByteStreamStateHandle)) {
                // state small enough sits in the metadata itself (a byte stream handle); anything else is unknown here
                complete = false;
            }
        }
    }
}
