"""Reference Recall@k / MAP@R / R-precision for bench/retrieval-eval-speed.ts, with faiss or numpy.

Reads raw little-endian float32 embeddings (N x D, row-major) and int32 labels, evaluates every row
against all the others (itself excluded) with cosine similarity, and prints one JSON object:
{"recallAtK": {...}, "mapAtR": x, "rPrecision": x, "queries": n, "excluded": n, "seconds": s}.
Only the search and the metric arithmetic are timed (not reading the files).

    python3 reference_eval.py EMB.f32 LABELS.i32 DIM --k 1,2,4,8 --engine faiss|numpy
"""
import argparse
import json
import time

import numpy as np


def metrics_from_ranking(neighbours, labels, relevant, ks):
    """neighbours: [Q, K] gallery indices best first, self already removed; K >= max(k, R)."""
    keep = relevant > 0
    hits_same = labels[neighbours] == labels[:, None]
    first = np.where(hits_same.any(axis=1), hits_same.argmax(axis=1) + 1, np.iinfo(np.int64).max)
    ranks = np.arange(1, neighbours.shape[1] + 1)
    within_r = ranks[None, :] <= relevant[:, None]
    rel = hits_same & within_r
    precision_at = np.cumsum(rel, axis=1) / ranks[None, :]
    r = np.maximum(relevant, 1)
    ap = (precision_at * rel).sum(axis=1) / r
    rp = rel.sum(axis=1) / r
    n = int(keep.sum())
    return {
        "recallAtK": {str(k): float((first[keep] <= k).mean()) for k in ks},
        "mapAtR": float(ap[keep].mean()),
        "rPrecision": float(rp[keep].mean()),
        "queries": n,
        "excluded": int((~keep).sum()),
    }


def search_faiss(x, depth):
    import faiss

    index = faiss.IndexFlatIP(x.shape[1])
    index.add(x)
    _, idx = index.search(x, depth + 1)
    return idx


def search_numpy(x, depth, block=2048):
    out = np.empty((x.shape[0], depth + 1), dtype=np.int64)
    for start in range(0, x.shape[0], block):
        sims = x[start:start + block] @ x.T
        part = np.argpartition(-sims, depth, axis=1)[:, :depth + 1]
        part_sims = np.take_along_axis(sims, part, axis=1)
        order = np.lexsort((part, -part_sims), axis=1)
        out[start:start + block] = np.take_along_axis(part, order, axis=1)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("embeddings")
    parser.add_argument("labels")
    parser.add_argument("dim", type=int)
    parser.add_argument("--k", default="1,2,4,8,16,32")
    parser.add_argument("--engine", choices=["faiss", "numpy"], default="faiss")
    args = parser.parse_args()
    ks = [int(k) for k in args.k.split(",")]
    x = np.fromfile(args.embeddings, dtype="<f4").reshape(-1, args.dim)
    labels = np.fromfile(args.labels, dtype="<i4")

    started = time.perf_counter()
    norms = np.linalg.norm(x.astype(np.float64), axis=1, keepdims=True)
    x = (x / np.where(norms == 0, 1, norms)).astype(np.float32)
    _, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    relevant = counts[inverse] - 1
    depth = int(max(max(ks), relevant.max()))
    idx = search_faiss(x, depth) if args.engine == "faiss" else search_numpy(x, depth)
    # Drop each query itself (wherever a tie put it), keeping the first `depth` others.
    not_self = idx != np.arange(x.shape[0])[:, None]
    neighbours = np.stack([row[mask][:depth] for row, mask in zip(idx, not_self)])
    result = metrics_from_ranking(neighbours, labels, relevant, ks)
    result["seconds"] = time.perf_counter() - started
    print(json.dumps(result))


if __name__ == "__main__":
    main()
