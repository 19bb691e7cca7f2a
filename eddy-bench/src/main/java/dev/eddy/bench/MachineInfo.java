package dev.eddy.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the figures were measured on: they only compare with figures from a like machine. */
public record MachineInfo(int cpus, String cpuModel, long memoryMb, String os, String java) {

    public static MachineInfo current() {
        return new MachineInfo(
                Runtime.getRuntime().availableProcessors(),
                procField("/proc/cpuinfo", "model name"),
                totalMemoryMb(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
    }

    private static long totalMemoryMb() {
        String total = procField("/proc/meminfo", "MemTotal");
        String kb = total.replaceAll("[^0-9]", "");
        return kb.isEmpty() ? -1 : Long.parseLong(kb) * 1024 / 1_000_000;
    }

    /** The first {@code name: value} line of a /proc file, or "unknown" off Linux. */
    private static String procField(String file, String name) {
        try {
            List<String> lines = Files.readAllLines(Path.of(file));
            for (String line : lines) {
                if (line.startsWith(name)) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (IOException e) {
            // not Linux: the figure stays meaningful, the machine is just less described
        }
        return "unknown";
    }
}
