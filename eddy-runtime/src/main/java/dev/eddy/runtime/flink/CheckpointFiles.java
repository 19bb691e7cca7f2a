package dev.eddy.runtime.flink;

import java.io.DataInputStream;
import java.io.IOException;
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

/**
 * The files a completed checkpoint's state is in, as its {@code _metadata} names them. A
 * checkpoint names them by absolute path (RocksDB's shared files above all), so a data dir moved
 * elsewhere leaves a checkpoint whose restore fails on every attempt: checked before restoring.
 */
final class CheckpointFiles {
    private CheckpointFiles() {}

    /** The files named by the checkpoint in {@code chkDir} that do not exist. */
    static List<Path> missing(Path chkDir) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path file : referencedBy(chkDir)) {
            if (!Files.exists(file)) missing.add(file);
        }
        return missing;
    }

    static List<Path> referencedBy(Path chkDir) throws IOException {
        CheckpointMetadata metadata;
        try (DataInputStream in = new DataInputStream(Files.newInputStream(chkDir.resolve("_metadata")))) {
            metadata = Checkpoints.loadCheckpointMetadata(in, CheckpointFiles.class.getClassLoader(), chkDir.toUri().toString());
        }
        List<Path> files = new ArrayList<>();
        for (OperatorState operator : metadata.getOperatorStates()) {
            for (OperatorSubtaskState subtask : operator.getStates()) {
                for (StateObject handle : subtask.getDiscardables()) collect(handle, files);
            }
        }
        return files;
    }

    /** The files under a state handle; state small enough to sit in the metadata itself has none. */
    private static void collect(StateObject handle, List<Path> files) {
        if (handle instanceof FileStateHandle file) {
            files.add(Path.of(file.getFilePath().toUri().getPath()));
        } else if (handle instanceof IncrementalRemoteKeyedStateHandle incremental) {
            for (HandleAndLocalPath shared : incremental.getSharedState()) collect(shared.getHandle(), files);
            for (HandleAndLocalPath own : incremental.getPrivateState()) collect(own.getHandle(), files);
            collect(incremental.getMetaDataStateHandle(), files);
        } else if (handle instanceof KeyGroupsStateHandle keyGroups) {
            collect(keyGroups.getDelegateStateHandle(), files);
        } else if (handle instanceof OperatorStreamStateHandle operator) {
            collect(operator.getDelegateStateHandle(), files);
        }
    }
}
