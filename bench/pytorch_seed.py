"""The article's PyTorch training, exactly: the baseline for the trainer's throughput.

MNIST's 70,000 images scaled to [0, 1], train_test_split(test_size=1/4, random_state=0)
(numpy's legacy permutation, as scikit-learn does it), Linear(784,100)-ReLU-Dropout(0.1)-
Linear(100,100)-ReLU-Dropout(0.1)-Linear(100,10), cross-entropy, Adam lr 0.01, batch 32
shuffled (DataLoader), 10 epochs by default. Prints samples/s of the training loop.

With --loop tuned it runs the same model and optimiser as a PyTorch user tuning for speed would:
the tensors made once up front, batches indexed by torch.randperm (no DataLoader),
zero_grad(set_to_none=True). Both print the thread settings they ran with.

Usage: python bench/pytorch_seed.py --data DIR [--epochs N] [--threads N] [--loop article|tuned]
"""

import argparse
import gzip
import os
import time

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def read_idx(path):
    for candidate in (path, path + ".gz"):
        if os.path.exists(candidate):
            opener = gzip.open if candidate.endswith(".gz") else open
            with opener(candidate, "rb") as f:
                return f.read()
    raise SystemExit(f"{path}[.gz] not found: pass --data DIR with the four MNIST IDX files")


def load(data):
    images, labels = [], []
    for prefix in ("train", "t10k"):
        raw = read_idx(os.path.join(data, f"{prefix}-images-idx3-ubyte"))
        images.append(np.frombuffer(raw, np.uint8, offset=16).reshape(-1, 784))
        raw = read_idx(os.path.join(data, f"{prefix}-labels-idx1-ubyte"))
        labels.append(np.frombuffer(raw, np.uint8, offset=8))
    x = np.concatenate(images).astype(np.float32) / 255.0
    y = np.concatenate(labels).astype(np.int64)
    perm = np.random.RandomState(0).permutation(len(x))
    test, train = perm[:17500], perm[17500:]
    return x[train], y[train], x[test], y[test]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--loop", choices=["article", "tuned"], default="article")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    xtr, ytr, xte, yte = load(args.data)
    model = nn.Sequential(
        nn.Linear(784, 100), nn.ReLU(), nn.Dropout(0.1),
        nn.Linear(100, 100), nn.ReLU(), nn.Dropout(0.1),
        nn.Linear(100, 10),
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    seconds = 0.0
    if args.loop == "article":
        loader = DataLoader(TensorDataset(torch.from_numpy(xtr), torch.from_numpy(ytr)), batch_size=32, shuffle=True)
        for epoch in range(args.epochs):
            model.train()
            start = time.perf_counter()
            for xb, yb in loader:
                optimizer.zero_grad()
                loss = loss_fn(model(xb), yb)
                loss.backward()
                optimizer.step()
            seconds += time.perf_counter() - start
    else:
        x, y = torch.from_numpy(xtr), torch.from_numpy(ytr)
        n = len(x)
        for epoch in range(args.epochs):
            model.train()
            start = time.perf_counter()
            for idx in torch.randperm(n).split(32):
                optimizer.zero_grad(set_to_none=True)
                loss = loss_fn(model(x[idx]), y[idx])
                loss.backward()
                optimizer.step()
            seconds += time.perf_counter() - start
    model.eval()
    with torch.no_grad():
        correct = (model(torch.from_numpy(xte)).argmax(1).numpy() == yte).sum()
    samples = len(xtr) * args.epochs
    print(f"pytorch {torch.__version__} ({args.loop} loop, torch threads {torch.get_num_threads()}, "
          f"interop {torch.get_num_interop_threads()}): {samples / seconds:.0f} samples/s "
          f"({args.epochs} epochs, {seconds:.1f} s), test accuracy {correct}/{len(yte)}")


if __name__ == "__main__":
    main()
