// The editor's theme colours, read from the CSS variables VS Code sets on the page
// (--vscode-*), so the chart follows light, dark and high-contrast themes.

export interface ChartColours {
  risk: [string, string, string, string];
  foreground: string;
  grid: string;
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v === '' ? fallback : v;
}

export function chartColours(): ChartColours {
  return {
    risk: [
      cssVar('--vscode-charts-green', '#388a34'),
      cssVar('--vscode-charts-blue', '#1a85ff'),
      cssVar('--vscode-charts-orange', '#d18616'),
      cssVar('--vscode-charts-red', '#e51400'),
    ],
    foreground: cssVar('--vscode-foreground', '#616161'),
    grid: cssVar('--vscode-editorWidget-border', cssVar('--vscode-panel-border', '#80808059')),
  };
}

/** Calls `onChange` when VS Code switches theme (it changes body's class and html's style). */
export function onThemeChange(onChange: () => void): void {
  const obs = new MutationObserver(onChange);
  obs.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  obs.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
}
