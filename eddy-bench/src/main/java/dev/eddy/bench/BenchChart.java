package dev.eddy.bench;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The run's figures as one PNG of three bar charts, one per unit: throughput beside its
 * baselines, times (freshness and start-up), memory.
 */
final class BenchChart {
    private static final int PANEL = 480;

    private BenchChart() {}

    static void write(BenchReport report, Path png) throws IOException {
        List<JFreeChart> charts = List.of(
                chart("Throughput (" + report.settings().mode() + " run)", "events/s", report, "events/s"),
                chart("Freshness and start-up", "ms", report, "ms"),
                chart("Memory at steady state", "MB", report, "MB"));
        BufferedImage image = new BufferedImage(PANEL * charts.size(), PANEL, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            for (int i = 0; i < charts.size(); i++) {
                charts.get(i).draw(g, new Rectangle2D.Double(i * PANEL, 0, PANEL, PANEL));
            }
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", png.toFile());
    }

    /** The figures of one unit; those with a baseline get a second bar beside them. */
    private static JFreeChart chart(String title, String axis, BenchReport report, String unit) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Figure f : report.figures()) {
            if (!f.unit().equals(unit)) continue;
            // "p99" fits under a bar where "freshness_p99" does not; the rate is the traffic the
            // freshness was measured under, not a capacity beside ingest and stream
            String label = f.name().equals("freshness_rate") ? "freshness traffic" : f.name().replace("freshness_", "");
            data.addValue(f.value(), "Eddy", label);
            if (f.baseline() != null) data.addValue(f.baseline(), "baseline", label);
        }
        return ChartFactory.createBarChart(title, null, axis, data);
    }
}
