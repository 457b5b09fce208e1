//! Showing a 28x28 digit in a terminal with block characters, two per pixel so it looks square.

/// Renders grayscale pixels (0 = background) as rows of shaded blocks inside a frame.
pub fn render(pixels: &[u8], cols: usize) -> String {
    const SHADES: [&str; 5] = ["  ", "░░", "▒▒", "▓▓", "██"];
    let mut out = format!("┌{}┐\n", "─".repeat(cols * 2));
    for row in pixels.chunks(cols) {
        out.push('│');
        for &p in row {
            out.push_str(SHADES[(p as usize * SHADES.len() / 256).min(SHADES.len() - 1)]);
        }
        out.push_str("│\n");
    }
    out.push_str(&format!("└{}┘", "─".repeat(cols * 2)));
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn dark_and_bright_pixels_get_different_blocks() {
        let s = super::render(&[0, 255, 128, 0], 2);
        assert_eq!(s.lines().count(), 4);
        assert!(s.contains("│  ██│"));
        assert!(s.contains("│▒▒  │"));
    }
}
