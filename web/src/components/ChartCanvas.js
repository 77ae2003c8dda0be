// A chart.js chart on a canvas: made from config when it mounts, remade when config changes,
// destroyed when it goes. The canvas is an image labelled by label (the figures are always
// also shown as text or a table next to it).
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';

/* chart.js, loaded when a chart is first shown (its own chunk of the build). */
let chartJs = null;
function loadChart() {
    if (!chartJs) {
        chartJs = import('chart.js').then((m) => {
            m.Chart.register(m.BarController, m.BarElement, m.CategoryScale, m.Legend, m.LinearScale,
                m.LineController, m.LineElement, m.PointElement, m.Tooltip);
            return m.Chart;
        });
        chartJs.catch(() => {
            chartJs = null;
        });
    }
    return chartJs;
}

/** Colours of the series, in order (also used by the tables' legends). */
export const SERIES_COLOURS = ['#2457c5', '#d9822b', '#1f9d6b', '#b42318', '#7a4cc2', '#0e7c86',
    '#c0398f', '#5d6b82'];

export function ChartCanvas({ config, label, testid, height = 260 }) {
    const canvas = useRef(null);
    useEffect(() => {
        let live = true;
        let chart = null;
        loadChart().then((Chart) => {
            if (!live || !canvas.current) return;
            chart = new Chart(canvas.current, {
                ...config,
                options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options },
            });
        }, () => {});
        return () => {
            live = false;
            if (chart) chart.destroy();
        };
    }, [JSON.stringify(config)]);
    return html`<div class="chart-box" style=${`height:${height}px`}>
        <canvas ref=${canvas} role="img" aria-label=${label} data-testid=${testid}></canvas>
    </div>`;
}
