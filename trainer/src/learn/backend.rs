//! Which burn backend a run trains on.

use burn::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Backend {
    /// burn-ndarray on the CPU.
    Ndarray,
    /// burn-flex on the CPU (burn's newer CPU backend).
    Flex,
    /// burn-wgpu on the default GPU (build with `--features wgpu`).
    Wgpu,
}

impl Backend {
    /// The backend's device.
    #[allow(deprecated)] // burn-ndarray is the CPU backend this product names.
    pub fn device(self) -> anyhow::Result<Device> {
        match self {
            Self::Ndarray => Ok(Device::ndarray()),
            Self::Flex => Ok(Device::flex()),
            #[cfg(feature = "wgpu")]
            Self::Wgpu => Ok(Device::wgpu(burn::tensor::DeviceKind::DefaultDevice)),
            #[cfg(not(feature = "wgpu"))]
            Self::Wgpu => anyhow::bail!(
                "this trainer was built without GPU support; rebuild with `--features wgpu`"
            ),
        }
    }

    /// How a model card names it.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Ndarray => "burn-ndarray (CPU)",
            Self::Flex => "burn-flex (CPU)",
            Self::Wgpu => "burn-wgpu",
        }
    }

    /// burn-wgpu keeps burn's own Adam on the device; the CPU backends use the host Adam
    /// (PyTorch's update, one pass per parameter).
    pub fn host_adam(self) -> bool {
        self != Self::Wgpu
    }
}
