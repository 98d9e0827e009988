// Helpers the browser tests call with page.evaluate("labTests.<name>(...)").
//
// They drive JupyterLab through its own objects (window.jupyterapp, exposed by
// --LabApp.expose_app_in_browser) rather than by clicking menus, and they look
// at widgets generically: every widget output of the notebook, each
// single-handle ipywidgets slider (.widget-slider with one .noUi-handle) in it
// and every <img> next to it (an ipywidgets.Image shows a blob: or data: URL).
window.labTests = (() => {
  const state = { panel: null, kernelEvents: [], callbackOutput: [], run: null, watch: null };

  const now = () => performance.now();
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function until(predicate, timeoutMs, what) {
    const start = now();
    for (;;) {
      const value = predicate();
      if (value) return value;
      if (now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await sleep(50);
    }
  }

  function kernel() {
    const session = state.panel && state.panel.sessionContext.session;
    return session ? session.kernel : null;
  }

  function kernelIdle() {
    const k = kernel();
    return Boolean(k && k.status === 'idle' && k.connectionStatus === 'connected');
  }

  async function openNotebook(path, timeoutMs) {
    const app = await until(() => window.jupyterapp, timeoutMs, 'window.jupyterapp');
    await app.restored;
    const panel = await app.commands.execute('docmanager:open', { path, factory: 'Notebook' });
    await panel.context.ready;
    await panel.sessionContext.ready;
    state.panel = panel;
    state.kernelEvents = [];
    state.callbackOutput = [];
    panel.sessionContext.statusChanged.connect((_, status) => state.kernelEvents.push({ t: now(), status }));
    panel.sessionContext.iopubMessage.connect((_, msg) => recordCallbackOutput(msg));
    await until(kernelIdle, timeoutMs, 'the kernel to start and become idle');
    app.shell.activateById(panel.id);
    return { kernel: kernel().name, cells: panel.content.widgets.length };
  }

  // Widget callbacks run for comm messages: what they write to stderr, and the
  // exceptions they raise, reach no cell, so keep them here.
  function recordCallbackOutput(msg) {
    if (!msg.parent_header || msg.parent_header.msg_type !== 'comm_msg') return;
    const type = msg.header.msg_type;
    if (type === 'stream' && msg.content.name === 'stderr') state.callbackOutput.push(msg.content.text);
    if (type === 'error') {
      state.callbackOutput.push(`Exception in a widget callback: ${msg.content.ename}: ${msg.content.evalue}\n`);
    }
  }

  function callbackOutput() {
    return state.callbackOutput.join('');
  }

  // Start JupyterLab's own run-all command; waitRunAll() waits for it. Starting
  // returns at once, so notebooks in other pages can run at the same time.
  function startRunAll() {
    const app = window.jupyterapp;
    app.shell.activateById(state.panel.id);
    state.run = {
      start: now(),
      result: app.commands.execute('notebook:run-all-cells').then(
        (ok) => ok === true,
        (error) => `run-all failed: ${error.message}`,
      ),
    };
  }

  // The command's promise settles early when a cell raises (even one tagged
  // raises-exception, after which the kernel goes on with the queued cells), so
  // the run counts as done once the kernel has also stayed idle for quietMs.
  async function waitRunAll(timeoutMs, quietMs) {
    const { start, result } = state.run;
    const left = () => timeoutMs - (now() - start);
    const settled = await Promise.race([result, sleep(left()).then(() => 'timeout')]);
    const quiet = () => {
      const last = state.kernelEvents[state.kernelEvents.length - 1];
      return kernelIdle() && (!last || now() - last.t >= quietMs);
    };
    let timedOut = settled === 'timeout';
    if (!timedOut) {
      try {
        await until(quiet, left(), 'the kernel to stay idle after run-all');
      } catch (error) {
        timedOut = true;
      }
    }
    return {
      ok: settled === true,
      error: typeof settled === 'string' && settled !== 'timeout' ? settled : null,
      timedOut,
      seconds: (now() - start) / 1000,
    };
  }

  function cellReport() {
    const cells = [];
    state.panel.content.widgets.forEach((cell, index) => {
      const model = cell.model;
      if (model.type !== 'code') return;
      const outputs = model.outputs.toJSON();
      cells.push({
        index,
        source: model.sharedModel.getSource(),
        executionCount: model.executionCount,
        tags: model.getMetadata('tags') || [],
        errors: outputs
          .filter((o) => o.output_type === 'error')
          .map((o) => `${o.ename}: ${o.evalue}`),
      });
    });
    return cells;
  }

  function outputs() {
    return [...state.panel.content.node.querySelectorAll('.jp-OutputArea-output')];
  }

  // Outputs showing a rendered widget view (JupyterLab's widget renderer, a Lumino Panel with
  // no mime type of its own, holds it as a child: an ipywidgets view has the .jupyter-widgets
  // class, an anywidget view such as tu.view_3d's NiiVue does not), leaving out those nested in
  // another widget (an ipywidgets.Output's content).
  function widgetOutputs() {
    const isWidgetView = (el) =>
      el.querySelector(':scope > .jupyter-widgets') || (el.classList.contains('lm-Panel') && !el.dataset.mimeType);
    return outputs().filter((el) => isWidgetView(el) && !el.parentElement.closest('.jupyter-widgets'));
  }

  function stillLoading(el) {
    return /^Loading widget/.test((el.textContent || '').trim());
  }

  // Outputs still showing JupyterLab's placeholder, an error text or an ipywidgets error view.
  function widgetProblems() {
    const problems = [];
    outputs().forEach((el) => {
      const text = el.textContent || '';
      if (stillLoading(el)) problems.push(`still "${text.trim().slice(0, 80)}"`);
      const match = text.match(/Error (displaying|rendering) widget[^\n]*/);
      if (match) problems.push(match[0].slice(0, 300));
    });
    state.panel.content.node.querySelectorAll('.jupyter-widgets-error-widget').forEach((el) => {
      problems.push(`ipywidgets error view: ${(el.textContent || "").trim().slice(0, 300)}`);
    });
    return problems;
  }

  async function waitWidgetsRendered(timeoutMs) {
    const start = now();
    while (now() - start < timeoutMs) {
      const loading = outputs().some(stillLoading);
      const images = [...state.panel.content.node.querySelectorAll('.jp-OutputArea-output img')];
      if (!loading && images.every((img) => img.complete)) return true;
      await sleep(100);
    }
    return false;
  }

  function cellIndexOf(el) {
    const cellNode = el.closest('.jp-Cell');
    return state.panel.content.widgets.findIndex((cell) => cell.node === cellNode);
  }

  function sliderState(container) {
    const target = container.querySelector('.noUi-target');
    const handle = container.querySelector('.noUi-handle');
    const readout = container.querySelector('.widget-readout');
    const label = container.querySelector('.widget-label');
    const api = target && target.noUiSlider;
    return {
      description: label ? label.textContent.trim() : '',
      value: api ? Number(api.get()) : NaN,
      min: Number(handle.getAttribute('aria-valuemin')),
      max: Number(handle.getAttribute('aria-valuemax')),
      step: api && api.options ? Number(api.options.step) : NaN,
      readout: readout && readout.style.display !== 'none' ? readout.textContent.trim() : null,
      disabled: Boolean(target && target.hasAttribute('disabled')),
    };
  }

  // The ipywidgets Box (an HBox row of controls, say) a slider sits in.
  function rowOf(slider) {
    return slider.parentElement.closest('.widget-box');
  }

  // Tag every widget output and its sliders with data attributes for locators.
  function findWidgets() {
    return widgetOutputs().map((el, n) => {
      el.dataset.labTestWidget = String(n);
      const sliders = [...el.querySelectorAll('.widget-slider')].filter(
        (s) => s.querySelectorAll('.noUi-handle').length === 1,
      );
      const rows = [...new Set(sliders.map(rowOf))];
      return {
        widget: n,
        cell: cellIndexOf(el),
        images: el.querySelectorAll('img').length,
        sliders: sliders.map((s, k) => {
          s.dataset.labTestSlider = `${n}-${k}`;
          return { slider: k, row: rows.indexOf(rowOf(s)), ...sliderState(s) };
        }),
      };
    });
  }

  function widgetNode(n) {
    const el = state.panel.content.node.querySelector(`[data-lab-test-widget="${n}"]`);
    if (!el) throw new Error(`no widget output ${n}`);
    return el;
  }

  function slider(n, k) {
    return sliderState(widgetNode(n).querySelector(`[data-lab-test-slider="${n}-${k}"]`));
  }

  // Text widgets (HTML, Label, Output) of widget n that report an error or a traceback.
  function widgetAlerts(n) {
    const alert = /Traceback|\w+Error\b|\bfailed\b/;
    return [...widgetNode(n).querySelectorAll('.widget-html, .widget-htmlmath, .widget-label, .widget-output')]
      .map((el) => (el.textContent || '').trim())
      .filter((text) => alert.test(text))
      .map((text) => text.slice(0, 300));
  }

  function hex(buffer) {
    return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
  }

  // SHA-256 of the bytes each <img> of widget n shows, with its pixel size.
  async function images(n) {
    return Promise.all(
      [...widgetNode(n).querySelectorAll('img')].map(async (img) => {
        if (!img.src) return { digest: null, width: 0, height: 0 };
        const bytes = await (await fetch(img.src)).arrayBuffer();
        const digest = hex(await crypto.subtle.digest('SHA-256', bytes));
        return { digest, width: img.naturalWidth, height: img.naturalHeight };
      }),
    );
  }

  // Start recording key presses, <img> src changes and loads in widget n, and kernel states.
  function watch(n) {
    stopWatching();
    const el = widgetNode(n);
    const imgs = [...el.querySelectorAll('img')];
    const w = { start: now(), keydown: null, srcChanges: [], loads: [], kernelFrom: state.kernelEvents.length };
    const onKey = () => {
      if (w.keydown === null) w.keydown = now();
    };
    const onLoad = () => w.loads.push(now());
    const observer = new MutationObserver((records) => records.forEach(() => w.srcChanges.push(now())));
    imgs.forEach((img) => {
      observer.observe(img, { attributes: true, attributeFilter: ['src'] });
      img.addEventListener('load', onLoad);
    });
    el.addEventListener('keydown', onKey, true);
    w.stop = () => {
      observer.disconnect();
      imgs.forEach((img) => img.removeEventListener('load', onLoad));
      el.removeEventListener('keydown', onKey, true);
    };
    w.imgs = imgs;
    state.watch = w;
  }

  function stopWatching() {
    if (state.watch) state.watch.stop();
    state.watch = null;
  }

  // Wait until the kernel has handled the change (busy, then idle) and the
  // images stopped changing: quietMs without a new src after the last change,
  // or graceMs after idle when no src changed at all (an unchanged view).
  async function settle(quietMs, graceMs, timeoutMs) {
    const w = state.watch;
    for (;;) {
      const t = now();
      const events = state.kernelEvents.slice(w.kernelFrom);
      const busy = events.findIndex((e) => e.status === 'busy');
      const idleAfterBusy = busy >= 0 ? events.slice(busy).filter((e) => e.status === 'idle') : [];
      const lastIdle = idleAfterBusy.length ? idleAfterBusy[idleAfterBusy.length - 1].t : null;
      const lastChange = w.srcChanges.length ? w.srcChanges[w.srcChanges.length - 1] : null;
      const loaded = w.imgs.every((img) => img.complete);
      if (lastIdle !== null && kernelIdle() && loaded) {
        const quietSince = Math.max(lastIdle, lastChange || 0, ...w.loads);
        const wait = lastChange === null ? graceMs : quietMs;
        if (t - quietSince >= wait) break;
      }
      if (t - w.start > timeoutMs) {
        const result = summary(w, true, busy >= 0);
        stopWatching();
        return result;
      }
      await sleep(20);
    }
    const result = summary(w, false, true);
    stopWatching();
    return result;
  }

  function summary(w, timedOut, kernelBusy) {
    const key = w.keydown;
    const loadsAfterKey = key === null ? [] : w.loads.filter((t) => t >= key);
    return {
      timedOut,
      kernelBusy,
      keySeen: key !== null,
      srcChanges: w.srcChanges.length,
      latencyMs: loadsAfterKey.length ? loadsAfterKey[loadsAfterKey.length - 1] - key : null,
    };
  }

  async function shutdown() {
    stopWatching();
    if (!state.panel) return;
    const panel = state.panel;
    state.panel = null;
    await panel.sessionContext.shutdown();
    panel.context.model.dirty = false;
    panel.dispose();
  }

  return {
    openNotebook,
    startRunAll,
    waitRunAll,
    cellReport,
    widgetProblems,
    waitWidgetsRendered,
    findWidgets,
    slider,
    widgetAlerts,
    callbackOutput,
    images,
    watch,
    settle,
    shutdown,
  };
})();
