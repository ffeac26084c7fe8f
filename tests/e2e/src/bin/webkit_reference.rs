//! `webkit-reference`: a bare WebKitGTK window, the engine the desktop app is drawn by, showing
//! one static page at the app's window size. `make bench-desktop` measures it in the same run as
//! the app, so the app's idle memory can be read against what the platform itself costs.

#[cfg(target_os = "linux")]
fn main() {
    use gtk::prelude::*;
    use webkit2gtk::WebViewExt;

    // The same choice the app makes (src-tauri/src/main.rs): without a GPU, WebKit's shared-memory
    // renderer instead of DMA-BUF. Set before GTK starts, while this is the only thread.
    let has_gpu = std::fs::read_dir("/dev/dri")
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        })
        .unwrap_or(false);
    if !has_gpu && std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
        std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
    }
    if let Err(e) = gtk::init() {
        eprintln!("webkit-reference: GTK could not start (is DISPLAY set?): {e}");
        std::process::exit(1);
    }
    let window = gtk::Window::new(gtk::WindowType::Toplevel);
    window.set_title("WebKitGTK reference");
    window.set_default_size(1280, 800);
    let view = webkit2gtk::WebView::new();
    view.load_html(PAGE, None);
    window.add(&view);
    window.connect_destroy(|_| gtk::main_quit());
    window.show_all();
    gtk::main();
}

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("webkit-reference: WebKitGTK is the Linux webview; nothing to measure here");
    std::process::exit(1);
}

/// A static page of about one screen of text: a heading, a navigation bar and a short list.
const PAGE: &str = r#"<!doctype html>
<html><head><meta charset="utf-8"><style>
body { font: 15px system-ui, sans-serif; margin: 0; color: #1f2933; background: #f5f7fa; }
nav { display: flex; gap: 16px; padding: 12px 24px; background: #fff; border-bottom: 1px solid #e4e7eb; }
main { padding: 24px; } li { padding: 12px; background: #fff; margin-bottom: 4px; list-style: none; }
</style></head><body>
<nav><strong>Reference</strong><span>One</span><span>Two</span><span>Three</span></nav>
<main><h1>A static page</h1><ul>
<li>First row of plain text</li><li>Second row of plain text</li><li>Third row of plain text</li>
<li>Fourth row of plain text</li><li>Fifth row of plain text</li><li>Sixth row of plain text</li>
</ul><button type="button">A button</button></main>
</body></html>"#;
