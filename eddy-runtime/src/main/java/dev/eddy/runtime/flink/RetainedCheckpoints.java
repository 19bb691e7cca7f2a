package dev.eddy.runtime.flink;

import dev.eddy.model.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * under {@code shared/}: which one a start restores, whether it can be, and clearing away the rest.
 * The job restores in CLAIM mode, so Flink deletes that checkpoint once a newer one subsumes it;
 * what no running job knows of (older checkpoints, ones a kill cut short, files only they used)
 * goes here, before the job is submitted.
 */
final class RetainedCheckpoints {
    private static final Logger LOG = LoggerFactory.getLogger(RetainedCheckpoints.class);

    private final Path flinkDir;
    private final Path jobDir;

    /**
     * @param flinkDir {@code <data-dir>/flink}
     * @param jobDir   the job's folder of checkpoints, under {@code flinkDir}
     */
    RetainedCheckpoints(Path flinkDir, Path jobDir) {
        this.flinkDir = flinkDir;
        this.jobDir = jobDir;
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
            removeAllBut(latest.get());
            removeUnusedShared(files);
        }
        return latest;
    }

    /** The newest {@code chk-N} that completed (has its {@code _metadata}); a checkpoint cut short by a kill has none. */
    private Optional<Path> latest() {
        if (!Files.isDirectory(jobDir)) return Optional.empty();
        try (Stream<Path> dirs = Files.list(jobDir)) {
            return dirs.filter(RetainedCheckpoints::isCheckpoint)
                    .filter(d -> Files.exists(d.resolve("_metadata")))
                    .max(Comparator.comparingLong(d -> Long.parseLong(d.getFileName().toString().substring(4))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + jobDir, e);
        }
    }

    /**
     * Fails with what to do when the checkpoint names files that are not there: the job would
     * try to restore it again and again, and never run.
     */
    private void requireRestorable(Path chkDir, CheckpointFiles files) {
        List<Path> missing = files.missing();
        if (missing.isEmpty()) return;
        String example = missing.get(0).toString();
        int at = example.indexOf("/flink/checkpoints/");
        String before = at < 0 ? null : example.substring(0, at);
        String moved = before == null || Path.of(before).equals(flinkDir.getParent()) ? ""
                : " Was the data dir moved from " + before + "? Checkpoints name their files by absolute path: move it back.";
        throw new ConfigException("cannot restore the analytics job from " + chkDir + ": " + missing.size()
                + " of the files it names are missing, e.g. " + example + "." + moved + " (Deleting " + flinkDir
                + " starts the job without its state: the open minutes and the dedup window start over.)");
    }

    /** Deletes the {@code chk-N} folders other than {@code kept}: older ones a previous run retained, and any a kill cut short. */
    private void removeAllBut(Path kept) {
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
    private void removeUnusedShared(CheckpointFiles kept) {
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

    private static boolean isCheckpoint(Path dir) {
        return dir.getFileName().toString().matches("chk-\\d+");
    }
}
