// Measurement hooks the benches install in a page before any of its own scripts run.
// Plain JavaScript on purpose: it goes into the page as text, untouched by any compiler.
// Everything lives on `window.__bench`; the bench calls it with page.evaluate.
(() => {
  const TAGS = ['CONFAB-WIDGET', 'FLOOR-WIDGET'];
  const bench = { longTasks: [], launcherAt: null, host: null, layoutShift: 0 };
  window.__bench = bench;

  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) bench.longTasks.push([entry.startTime, entry.duration]);
  }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) bench.layoutShift += entry.value;
  }).observe({ type: 'layout-shift', buffered: true });
  // Long animation frames name the scripts that ran in them: whose a long task is.
  bench.scripts = [];
  try {
    new PerformanceObserver((list) => {
      for (const frame of list.getEntries())
        for (const s of frame.scripts)
          bench.scripts.push({ start: s.startTime, duration: s.duration, source: s.sourceURL, invoker: s.invoker });
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch {}

  // The launcher is drawn with its host element: the first frame after the host is in
  // the document is the first frame that can show it.
  const watcher = new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (!TAGS.includes(node.nodeName)) continue;
        watcher.disconnect();
        bench.host = node;
        requestAnimationFrame(() => (bench.launcherAt = performance.now()));
        return;
      }
    }
  });
  watcher.observe(document, { childList: true, subtree: true });

  const root = () => bench.host?.shadowRoot;

  /** Resolves with the time just after the next frame was rendered. */
  bench.afterNextFrame = () =>
    new Promise((resolve) =>
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve(performance.now());
        channel.port2.postMessage(0);
      }),
    );

  /** A widget's own script (Confab's loader and chunks, the floor's loader and panel), by its URL. */
  const WIDGET_SCRIPT = /\/(loader\.js|widget\/[^/]+\.js|panel\.js)(\?|$)/;

  /**
   * Load time, the launcher's first frame, the long tasks that started in the window after
   * load (each with the scripts that ran in it, from the long animation frames: the
   * widget's own when the longest of them is), layout shift.
   */
  bench.summary = (windowMs) => {
    const load = performance.getEntriesByType('navigation')[0].loadEventStart;
    const tasks = bench.longTasks
      .filter(([start]) => start >= load && start < load + windowMs)
      .map(([start, duration]) => {
        const scripts = bench.scripts
          .filter((s) => s.start >= start - 1 && s.start < start + duration)
          .sort((a, b) => b.duration - a.duration);
        const main = scripts[0];
        return {
          start: start - load,
          duration,
          widget: Boolean(main && WIDGET_SCRIPT.test(main.source)),
          scripts: scripts.map(
            (s) => `${s.duration.toFixed(0)} ms ${s.invoker} ${s.source.split('/').pop() || '(none)'}`,
          ),
        };
      });
    return {
      load,
      launcherAt: bench.launcherAt,
      longTasksAfterLoad: tasks.map((t) => t.duration),
      longTasks: tasks,
      layoutShift: bench.layoutShift,
    };
  };

  /** The composer's text field, when the visitor can type into it now. */
  const usableComposer = () => {
    const field = root()?.querySelector('form.composer textarea');
    if (!field?.isConnected || field.disabled || field.readOnly || field.closest('[inert]')) return null;
    const box = field.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return null;
    field.focus({ preventScroll: true });
    return root().activeElement === field ? field : null;
  };

  const whenComposerUsable = (timeoutMs) =>
    new Promise((resolve, reject) => {
      const check = () => {
        if (!usableComposer()) return false;
        observer.disconnect();
        clearTimeout(timer);
        resolve();
        return true;
      };
      const observer = new MutationObserver(check);
      const timer = setTimeout(() => {
        observer.disconnect();
        reject(new Error('the composer never became usable'));
      }, timeoutMs);
      observer.observe(root(), { childList: true, subtree: true, attributes: true });
      const poll = () => check() || requestAnimationFrame(poll);
      poll();
    });

  /** Click on the launcher → composer focusable and enabled, and that frame rendered (ms). */
  bench.clickToComposer = async (timeoutMs) => {
    const start = performance.now();
    root().querySelector('button.launcher').click();
    await whenComposerUsable(timeoutMs);
    return (await bench.afterNextFrame()) - start;
  };

  /** Nodes of every kind (elements, text, comments) in the widget's shadow root. */
  bench.shadowNodes = () => {
    if (!root()) return 0;
    const walker = document.createTreeWalker(root(), NodeFilter.SHOW_ALL);
    let count = 0;
    while (walker.nextNode()) count++;
    return count;
  };

  /** The element that scrolls the conversation: the tallest scrollable one in the panel. */
  const scroller = () =>
    [...root().querySelectorAll('*')]
      .filter((el) => el.scrollHeight > el.clientHeight + 1 && /auto|scroll/.test(getComputedStyle(el).overflowY))
      .sort((a, b) => b.scrollHeight - a.scrollHeight)[0] || null;

  /** Whether the text `marker` is rendered and inside the visible part of the conversation. */
  bench.inView = (marker) => {
    const walker = document.createTreeWalker(root(), NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.data.includes(marker)) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const box = range.getBoundingClientRect();
      const list = scroller();
      const view = list ? list.getBoundingClientRect() : { top: 0, bottom: innerHeight };
      return box.height > 0 && box.bottom > view.top && box.top < view.bottom;
    }
    return false;
  };

  /** Scrolls the conversation up by `step` px a frame for `frames` frames; the longest frame (ms). */
  bench.scrollUp = (frames, step) =>
    new Promise((resolve) => {
      const list = scroller();
      if (!list) return resolve(null);
      let last = null;
      let longest = 0;
      let left = frames;
      const frame = (now) => {
        if (last !== null) longest = Math.max(longest, now - last);
        last = now;
        if (left-- === 0) return resolve(longest);
        list.scrollTop -= step;
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });
})();
