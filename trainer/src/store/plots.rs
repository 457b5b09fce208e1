//! SVG pictures of a run: learning curves and the confusion matrix.

use digits::model::NUM_CLASSES;
use plotters::prelude::*;

use crate::learn::train::EpochStats;

type PlotResult = Result<(), Box<dyn std::error::Error>>;

/// Training loss and test accuracy per epoch, side by side.
pub fn curves_svg(title: &str, history: &[EpochStats]) -> anyhow::Result<String> {
    let mut svg = String::new();
    draw_curves(&mut svg, title, history)
        .map_err(|e| anyhow::anyhow!("drawing the curves: {e}"))?;
    Ok(svg)
}

fn draw_curves(svg: &mut String, title: &str, history: &[EpochStats]) -> PlotResult {
    let root = SVGBackend::with_string(svg, (960, 380)).into_drawing_area();
    root.fill(&WHITE)?;
    let root = root.titled(title, ("sans-serif", 20))?;
    let (left, right) = root.split_horizontally(480);
    let last = history.len().max(2) as f64;

    let max_loss = history.iter().map(|h| h.train_loss).fold(0.0, f64::max) * 1.1;
    let mut chart = ChartBuilder::on(&left)
        .caption("training loss (cross-entropy)", ("sans-serif", 16))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(56)
        .build_cartesian_2d(1f64..last, 0f64..max_loss.max(1e-3))?;
    chart
        .configure_mesh()
        .x_desc("epoch")
        .y_desc("loss")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .draw()?;
    chart.draw_series(LineSeries::new(
        history.iter().map(|h| (h.epoch as f64, h.train_loss)),
        BLUE.stroke_width(2),
    ))?;

    let accs: Vec<f64> = history.iter().map(|h| h.test_accuracy * 100.0).collect();
    let lo = accs.iter().copied().fold(100.0, f64::min);
    let lo = (lo - 1.0).floor().max(0.0);
    let mut chart = ChartBuilder::on(&right)
        .caption("test accuracy (17,500 held-out images)", ("sans-serif", 16))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(56)
        .build_cartesian_2d(1f64..last, lo..100f64)?;
    chart
        .configure_mesh()
        .x_desc("epoch")
        .y_desc("accuracy %")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .draw()?;
    chart.draw_series(LineSeries::new(
        history.iter().zip(&accs).map(|(h, &a)| (h.epoch as f64, a)),
        RED.stroke_width(2),
    ))?;
    root.present()?;
    Ok(())
}

/// The confusion matrix as a heat map with counts: rows are true digits, columns predictions.
pub fn confusion_svg(
    title: &str,
    confusion: &[[u32; NUM_CLASSES]; NUM_CLASSES],
) -> anyhow::Result<String> {
    let mut svg = String::new();
    draw_confusion(&mut svg, title, confusion)
        .map_err(|e| anyhow::anyhow!("drawing the confusion matrix: {e}"))?;
    Ok(svg)
}

fn draw_confusion(
    svg: &mut String,
    title: &str,
    confusion: &[[u32; NUM_CLASSES]; NUM_CLASSES],
) -> PlotResult {
    let root = SVGBackend::with_string(svg, (560, 600)).into_drawing_area();
    root.fill(&WHITE)?;
    let root = root.titled(title, ("sans-serif", 18))?;
    let n = NUM_CLASSES as f64;
    // Cell (label r, prediction c) spans x in [c, c+1] and y in [n-1-r, n-r]; the -1.5 margin
    // holds the axis digits and names.
    let mut chart = ChartBuilder::on(&root)
        .margin(16)
        .build_cartesian_2d(-1.5f64..n, -1.5f64..n)?;
    let off_diag_max = (0..NUM_CLASSES)
        .flat_map(|r| {
            (0..NUM_CLASSES)
                .filter(move |&c| c != r)
                .map(move |c| (r, c))
        })
        .map(|(r, c)| confusion[r][c])
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let small = ("sans-serif", 13).into_font();
    for (r, row) in confusion.iter().enumerate() {
        let total: u32 = row.iter().sum();
        for (c, &count) in row.iter().enumerate() {
            let (x, y) = (c as f64, n - 1.0 - r as f64);
            let color = if r == c {
                let share = if total == 0 {
                    0.0
                } else {
                    count as f64 / total as f64
                };
                RGBColor(40, (120.0 + 100.0 * share) as u8, 60)
            } else {
                let t = (count as f64 / off_diag_max).sqrt();
                RGBColor(
                    255,
                    (255.0 * (1.0 - 0.8 * t)) as u8,
                    (255.0 * (1.0 - 0.8 * t)) as u8,
                )
            };
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x, y), (x + 1.0, y + 1.0)],
                color.filled(),
            )))?;
            let text_color = if r == c { WHITE } else { BLACK };
            chart.draw_series(std::iter::once(Text::new(
                count.to_string(),
                (x + 0.12, y + 0.65),
                small.clone().color(&text_color),
            )))?;
        }
        chart.draw_series(std::iter::once(Text::new(
            r.to_string(),
            (-0.6, n - 1.0 - r as f64 + 0.65),
            small.clone(),
        )))?;
        chart.draw_series(std::iter::once(Text::new(
            r.to_string(),
            (r as f64 + 0.4, -0.2),
            small.clone(),
        )))?;
    }
    chart.draw_series(std::iter::once(Text::new(
        "predicted digit →".to_string(),
        (3.2, -0.8),
        small.clone(),
    )))?;
    chart.draw_series(std::iter::once(Text::new(
        "true ↓".to_string(),
        (-1.45, n + 0.0),
        small,
    )))?;
    root.present()?;
    Ok(())
}
