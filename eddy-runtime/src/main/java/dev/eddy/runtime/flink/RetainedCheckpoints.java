package dev.eddy.runtime.flink;

import dev.eddy.model.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.util.FileUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The analytics job's checkpoints on disk, {@code chk-N} folders and the RocksDB files they share
 * under {@code shared/}, in a folder per job id: which one a submission restores, whether it can
 * be, and clearing away the rest. The job restores in CLAIM mode, so Flink deletes that checkpoint
 * once a newer one subsumes it; what no running job knows of (older checkpoints, ones a kill cut
 * short, files only they used) goes here, before the job is submitted.
 *
 * <p>On a Flink cluster each submission has a new job id, so the job's checkpoints span folders:
 * a restored job numbers its checkpoints on from the one it restored, so the highest number is
 * the newest across them, and its checkpoints may name shared files in the folders of the runs
 * before it. Only the folders of the job's ids are touched: others' jobs may share the parent.
 */
final class RetainedCheckpoints {
    private static final Logger LOG = LoggerFactory.getLogger(RetainedCheckpoints.class);

    private final Path startOver;
    private final Path checkpoints;
    private final String jobIdPrefix;

    /**
     * @param startOver   what a user deletes to start over without state, named in errors:
     *                    {@code <data-dir>/flink}, or the job's folders in a shared checkpoints folder
     * @param checkpoints Flink's checkpoint directory: a folder per job id under it
     * @param jobIdPrefix how the job's ids begin
     */
    RetainedCheckpoints(Path startOver, Path checkpoints, String jobIdPrefix) {
        this.startOver = startOver;
        this.checkpoints = checkpoints;
        this.jobIdPrefix = jobIdPrefix;
    }

    Path checkpoints() {
        return checkpoints;
    }

    /**
     * The checkpoint to restore, if any, once checked to be restorable and with everything else
     * removed.
     *
     * @throws ConfigException when the checkpoint names files that are not there
     */
    Optional<Path> prepareRestore() throws IOException {
        Optional<Path> latest = latest();
        if (latest.isPresent()) {
            CheckpointFiles files = CheckpointFiles.of(latest.get());
            requireRestorable(latest.get(), files);
            for (Path jobDir : jobDirs()) {
                removeAllBut(jobDir, latest.get());
                removeUnusedShared(jobDir, files);
                if (!latest.get().startsWith(jobDir)) removeIfNothingLeft(jobDir);
            }
        }
        return latest;
    }

    /** The job's folders of checkpoints, one per job id it ran under. */
    private List<Path> jobDirs() {
        if (!Files.isDirectory(checkpoints)) return List.of();
        try (Stream<Path> dirs = Files.list(checkpoints)) {
            return dirs.filter(d -> Files.isDirectory(d) && d.getFileName().toString().startsWith(jobIdPrefix)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + checkpoints, e);
        }
    }

    /** The newest {@code chk-N} that completed (has its {@code _metadata}); a checkpoint cut short by a kill has none. */
    private Optional<Path> latest() {
        List<Path> completed = new ArrayList<>();
        for (Path jobDir : jobDirs()) {
            try (Stream<Path> dirs = Files.list(jobDir)) {
                dirs.filter(RetainedCheckpoints::isCheckpoint).filter(d -> Files.exists(d.resolve("_metadata"))).forEach(completed::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + jobDir, e);
            }
        }
        return completed.stream().max(Comparator.comparingLong(d -> Long.parseLong(d.getFileName().toString().substring(4))));
    }

    /**
     * Fails with what to do when the checkpoint names files that are not there: the job would
     * try to restore it again and again, and never run.
     */
    private void requireRestorable(Path chkDir, CheckpointFiles files) {
        List<Path> missing = files.missing();
        if (missing.isEmpty()) return;
        Path example = missing.get(0);
        throw new ConfigException("cannot restore the analytics job from " + chkDir + ": " + missing.size()
                + " of the files it names are missing, e.g. " + example + "." + movedFrom(example) + " (Deleting " + startOver
                + " starts the job without its state: the open minutes and the dedup window start over.)");
    }

    /** What to say when the missing file was named under another checkpoints folder: it was moved. */
    private String movedFrom(Path missing) {
        Path jobDir = missing;
        while (jobDir != null && !(jobDir.getFileName() != null && jobDir.getFileName().toString().startsWith(jobIdPrefix))) {
            jobDir = jobDir.getParent();
        }
        if (jobDir == null || jobDir.getParent().equals(checkpoints)) return "";
        Path before = jobDir.getParent();
        String moved = "? Checkpoints name their files by absolute path: move it back.";
        // the embedded layout, <data-dir>/flink/checkpoints: the data dir is what moves
        if (before.endsWith(Path.of("flink", "checkpoints")) && checkpoints.endsWith(Path.of("flink", "checkpoints"))) {
            return " Was the data dir moved from " + before.getParent().getParent() + moved;
        }
        return " Was the checkpoints folder moved from " + before + moved
                + " (A Flink cluster and Eddy must see it at the same path.)";
    }

    /** Deletes the {@code chk-N} folders other than {@code kept}: older ones a previous run retained, and any a kill cut short. */
    private static void removeAllBut(Path jobDir, Path kept) {
        try (Stream<Path> dirs = Files.list(jobDir)) {
            for (Path dir : (Iterable<Path>) dirs.filter(RetainedCheckpoints::isCheckpoint)::iterator) {
                if (!dir.equals(kept)) FileUtils.deleteDirectory(dir.toFile());
            }
        } catch (IOException e) {
            // only disk space is at stake: the restore does not need them gone
            LOG.warn("could not remove old checkpoints under {}", jobDir, e);
        }
    }

    /**
     * Deletes the files in {@code shared/} that the checkpoint to restore does not name: RocksDB
     * files of the checkpoints {@link #removeAllBut} removed, of checkpoints a kill cut short, and,
     * from versions that restored without claiming, a whole state's worth per restart. Only when
     * every state handle of that checkpoint was understood, so that nothing it needs can go.
     */
    private static void removeUnusedShared(Path jobDir, CheckpointFiles kept) {
        Path shared = jobDir.resolve("shared");
        if (!kept.complete() || !Files.isDirectory(shared)) return;
        Set<Path> used = new HashSet<>(kept.files());
        try (Stream<Path> files = Files.list(shared)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(file) && !used.contains(file.toAbsolutePath().normalize())) Files.delete(file);
            }
        } catch (IOException e) {
            // only disk space is at stake
            LOG.warn("could not remove unused checkpoint files under {}", shared, e);
        }
    }

    /** A past run's folder once it holds no checkpoint and no shared file the kept one names. */
    private static void removeIfNothingLeft(Path jobDir) {
        try (Stream<Path> files = Files.walk(jobDir)) {
            if (files.anyMatch(Files::isRegularFile)) return;
            FileUtils.deleteDirectory(jobDir.toFile());
        } catch (IOException e) {
            // only a few empty folders are at stake
            LOG.warn("could not remove {}", jobDir, e);
        }
    }

    private static boolean isCheckpoint(Path dir) {
        return dir.getFileName().toString().matches("chk-\\d+");
    }
}
