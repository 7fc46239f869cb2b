/*
 * Copyright 2026 The Netty Project
 *
 * The Netty Project licenses this file to you under the Apache License,
 * version 2.0 (the "License"); you may not use this file except in compliance
 * with the License. You may obtain a copy of the License at:
 *
 *   https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
 * WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
 * License for the specific language governing permissions and limitations
 * under the License.
 */
package io.netty.contrib.channel.aio.microbench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A grouped bar chart drawn with Java2D (headless) into a PNG: one group per cell, one bar per configuration, the
 * bar at the median and a whisker from the minimum to the maximum over the repetitions.
 */
final class BarChart {
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)
    };

    private BarChart() {
    }

    /** {@code values[group][series]} are the stats of one bar; a null or NaN bar is left out. */
    static void draw(String title, String yLabel, List<String> groups, List<String> series, Stats[][] values,
                     Path file) throws IOException {
        int groupWidth = Math.max(90, series.size() * 22 + 30);
        int left = 80;
        int top = 50;
        int plotHeight = 360;
        int bottom = 110;
        int width = Math.max(640, left + groups.size() * groupWidth + 40);
        int height = top + plotHeight + bottom;
        double max = 0;
        for (Stats[] row : values) {
            for (Stats s : row) {
                if (s != null && !Double.isNaN(s.max)) {
                    max = Math.max(max, s.max);
                }
            }
        }
        double scale = niceCeiling(max <= 0 ? 1 : max);

        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString(title, left, 25);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            FontMetrics fm = g.getFontMetrics();
            // Y axis with five grid lines.
            for (int i = 0; i <= 5; i++) {
                double v = scale * i / 5;
                int y = top + plotHeight - (int) Math.round(plotHeight * i / 5.0);
                g.setColor(new Color(0xdddddd));
                g.drawLine(left, y, width - 30, y);
                g.setColor(Color.BLACK);
                String label = String.format(Locale.ROOT, v >= 10 ? "%.0f" : "%.1f", v);
                g.drawString(label, left - 8 - fm.stringWidth(label), y + 4);
            }
            Graphics2D rotated = (Graphics2D) g.create();
            rotated.rotate(-Math.PI / 2);
            rotated.drawString(yLabel, -(top + plotHeight / 2 + fm.stringWidth(yLabel) / 2), 18);
            rotated.dispose();
            g.drawLine(left, top, left, top + plotHeight);
            g.drawLine(left, top + plotHeight, width - 30, top + plotHeight);
            int barWidth = 18;
            for (int gi = 0; gi < groups.size(); gi++) {
                int x0 = left + gi * groupWidth + (groupWidth - series.size() * (barWidth + 4)) / 2;
                for (int si = 0; si < series.size(); si++) {
                    Stats s = values[gi][si];
                    if (s == null || Double.isNaN(s.median)) {
                        continue;
                    }
                    int x = x0 + si * (barWidth + 4);
                    int h = (int) Math.round(plotHeight * s.median / scale);
                    g.setColor(PALETTE[si % PALETTE.length]);
                    g.fillRect(x, top + plotHeight - h, barWidth, h);
                    g.setColor(Color.BLACK);
                    g.setStroke(new BasicStroke(1.2f));
                    int yMin = top + plotHeight - (int) Math.round(plotHeight * s.min / scale);
                    int yMax = top + plotHeight - (int) Math.round(plotHeight * s.max / scale);
                    int cx = x + barWidth / 2;
                    g.drawLine(cx, yMin, cx, yMax);
                    g.drawLine(cx - 4, yMin, cx + 4, yMin);
                    g.drawLine(cx - 4, yMax, cx + 4, yMax);
                }
                String label = groups.get(gi);
                int cx = left + gi * groupWidth + groupWidth / 2;
                drawCentred(g, label, cx, top + plotHeight + 16, groupWidth - 6);
            }
            // Legend.
            int lx = left;
            int ly = top + plotHeight + 60;
            for (int si = 0; si < series.size(); si++) {
                String name = series.get(si);
                if (lx + 20 + fm.stringWidth(name) > width - 20) {
                    lx = left;
                    ly += 18;
                }
                g.setColor(PALETTE[si % PALETTE.length]);
                g.fillRect(lx, ly - 10, 12, 12);
                g.setColor(Color.BLACK);
                g.drawString(name, lx + 16, ly);
                lx += 16 + fm.stringWidth(name) + 18;
            }
            g.setColor(Color.DARK_GRAY);
            g.drawString("bars: median; whiskers: min-max over the repetitions", left, height - 10);
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", file.toFile());
    }

    /** Draws a label centred on {@code cx}, on two lines when it is wider than {@code width}. */
    private static void drawCentred(Graphics2D g, String label, int cx, int y, int width) {
        FontMetrics fm = g.getFontMetrics();
        if (fm.stringWidth(label) <= width || label.indexOf(' ') < 0) {
            g.drawString(label, cx - fm.stringWidth(label) / 2, y);
            return;
        }
        int cut = label.lastIndexOf(' ', label.length() / 2 + 4);
        if (cut <= 0) {
            cut = label.indexOf(' ');
        }
        String a = label.substring(0, cut);
        String b = label.substring(cut + 1);
        g.drawString(a, cx - fm.stringWidth(a) / 2, y);
        g.drawString(b, cx - fm.stringWidth(b) / 2, y + fm.getHeight());
    }

    private static double niceCeiling(double v) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= v) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }
}
