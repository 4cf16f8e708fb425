"""scikit-learn's anomaly detectors on the exact matrices the anomaly benchmark scores with its own detectors.

Usage: python3 sklearn_detectors.py TRAIN.npy TEST.npy OUT_DIR [--seeds 1,2,3] [--pca-components 20] [--knn-k 5]
                                   [--standardize]

TRAIN (normal rows only) and TEST are 2-D float32 .npy matrices written by the benchmark (Anomaly/NpyFile.cs). Each
detector is fitted on TRAIN; the scores of TEST's rows (higher = more anomalous) go to OUT_DIR as 1-D float64 .npy
files, which the benchmark turns into ROC-AUC and average precision with the same function as its own detectors':
  iforest-seed<S>.npy  IsolationForest, scikit-learn's default settings, random_state=S; score = -score_samples
  pca.npy              PCA(n_components, svd_solver="full") fitted on TRAIN (centred); score = squared Euclidean
                       distance between a row and its reconstruction from the components
  knn.npy              Euclidean distance to the k-th nearest TRAIN row, i.e. the largest of the k distances
                       (PyOD's KNN, method="largest"); exact (brute force)
--standardize first scales every feature with TRAIN's mean and standard deviation (a constant feature is only
centred), as the benchmark's own detector does; IsolationForest is invariant to it. Computation in float64.
Prints "<file stem>_seconds S" (fit + scoring) per file and the scikit-learn version as key-value lines.
"""
import argparse, os, time
import numpy as np
import sklearn
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import NearestNeighbors


def timed(name, out_dir, score):
    start = time.perf_counter()
    scores = np.asarray(score(), dtype=np.float64)
    seconds = time.perf_counter() - start
    if not np.all(np.isfinite(scores)):
        raise SystemExit(f"{name}: non-finite scores")
    np.save(os.path.join(out_dir, name + ".npy"), scores)
    print(f"{name}_seconds {seconds:.6f}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("train")
    parser.add_argument("test")
    parser.add_argument("out_dir")
    parser.add_argument("--seeds", default="1")
    parser.add_argument("--pca-components", type=int, default=20)
    parser.add_argument("--knn-k", type=int, default=5)
    parser.add_argument("--standardize", action="store_true")
    a = parser.parse_args()

    train = np.load(a.train).astype(np.float64)
    test = np.load(a.test).astype(np.float64)
    if train.ndim != 2 or test.ndim != 2 or train.shape[1] != test.shape[1]:
        raise SystemExit(f"expected two matrices with the same number of columns, got {train.shape} and {test.shape}")
    if a.standardize:
        mean = train.mean(axis=0)
        sd = train.std(axis=0)
        sd[sd == 0] = 1.0
        train = (train - mean) / sd
        test = (test - mean) / sd
    os.makedirs(a.out_dir, exist_ok=True)
    major, minor = sklearn.__version__.split(".")[:2]
    print(f"sklearn_version_major {major}\nsklearn_version_minor {minor}", flush=True)
    print(f"train {train.shape[0]}x{train.shape[1]}, test {test.shape[0]}, standardize {a.standardize}", flush=True)

    for seed in (int(s) for s in a.seeds.split(",")):
        def isolation_forest():
            forest = IsolationForest(random_state=seed).fit(train)
            return -forest.score_samples(test)
        timed(f"iforest-seed{seed}", a.out_dir, isolation_forest)

    def pca_reconstruction():
        pca = PCA(n_components=a.pca_components, svd_solver="full").fit(train)
        reconstruction = pca.inverse_transform(pca.transform(test))
        return ((test - reconstruction) ** 2).sum(axis=1)
    timed("pca", a.out_dir, pca_reconstruction)

    def knn_distance():
        neighbours = NearestNeighbors(n_neighbors=a.knn_k, algorithm="brute").fit(train)
        distances, _ = neighbours.kneighbors(test)
        return distances[:, -1]
    timed("knn", a.out_dir, knn_distance)


if __name__ == "__main__":
    main()
