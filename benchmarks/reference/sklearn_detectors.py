"""scikit-learn's anomaly detectors on the exact matrices the anomaly benchmark scores with its own detectors.

Usage: python3 sklearn_detectors.py TRAIN.npy TEST.npy OUT_DIR [--seeds 1,2,3] [--pca-components 20] [--knn-k 5]
                                   [--standardize] [--same-rows]

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
--same-rows says TEST holds the very rows of TRAIN (the unsupervised protocol of the anomaly suite: fit on all rows,
score the same rows): the kNN distance then leaves each row itself out (the k-th nearest other row, as PyOD's
decision_scores_), and the other detectors are unchanged.
Prints "<file stem>_seconds S" (fit + scoring) and "<file stem>_fit_seconds S" (fit alone) per file and the
scikit-learn version as key-value lines.
"""
import argparse, os, time
import numpy as np
import sklearn
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import NearestNeighbors


def timed(name, out_dir, fit, score):
    start = time.perf_counter()
    model = fit()
    fitted = time.perf_counter()
    scores = np.asarray(score(model), dtype=np.float64)
    seconds = time.perf_counter() - start
    if not np.all(np.isfinite(scores)):
        raise SystemExit(f"{name}: non-finite scores")
    np.save(os.path.join(out_dir, name + ".npy"), scores)
    print(f"{name}_seconds {seconds:.6f}\n{name}_fit_seconds {fitted - start:.6f}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("train")
    parser.add_argument("test")
    parser.add_argument("out_dir")
    parser.add_argument("--seeds", default="1")
    parser.add_argument("--pca-components", type=int, default=20)
    parser.add_argument("--knn-k", type=int, default=5)
    parser.add_argument("--standardize", action="store_true")
    parser.add_argument("--same-rows", action="store_true")
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

    if a.same_rows and train.shape != test.shape:
        raise SystemExit(f"--same-rows: TRAIN {train.shape} and TEST {test.shape} differ")

    for seed in (int(s) for s in a.seeds.split(",")):
        timed(f"iforest-seed{seed}", a.out_dir,
              lambda: IsolationForest(random_state=seed).fit(train), lambda forest: -forest.score_samples(test))

    def pca_reconstruction(pca):
        reconstruction = pca.inverse_transform(pca.transform(test))
        return ((test - reconstruction) ** 2).sum(axis=1)
    timed("pca", a.out_dir, lambda: PCA(n_components=a.pca_components, svd_solver="full").fit(train), pca_reconstruction)

    # With --same-rows each row's nearest neighbour is itself (distance 0): ask for one more and skip it.
    k = a.knn_k + 1 if a.same_rows else a.knn_k
    def knn_distance(neighbours):
        distances, _ = neighbours.kneighbors(test)
        return distances[:, k - 1]
    timed("knn", a.out_dir, lambda: NearestNeighbors(n_neighbors=k, algorithm="brute").fit(train), knn_distance)


if __name__ == "__main__":
    main()
