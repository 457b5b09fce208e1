// Whether this browser can run WebGPU, asked the same way by the page (before it starts the
// WebGPU worker) and by that worker (before it downloads the WebGPU module). The reasons the
// page shows for it are made here.

/**
 * Why WebGPU cannot run here, or null. `nav` is the page's or the worker's navigator; with
 * `adapter` false only `navigator.gpu` is looked at (the page leaves the adapter to the worker).
 */
export async function whyNoWebGpu(nav, { adapter = true } = {}) {
  if (!nav.gpu) return 'this browser has no WebGPU: navigator.gpu is missing';
  if (adapter && !(await nav.gpu.requestAdapter())) return 'no WebGPU adapter: navigator.gpu.requestAdapter() gave none';
  return null;
}
