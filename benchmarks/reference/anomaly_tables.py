"""The tables of the anomaly suite (`anomaly suite`, Anomaly/AnomalySuite.cs), one X.npy / y.npy pair per table and seed.

Usage: python3 anomaly_tables.py OUT_DIR [--seeds 1,2,3,4,5] [--tables breastw,digits,...]
                                 [--fashion-mnist /usr/share/datasets/fashion-mnist]

Writes OUT_DIR/<table>/seed<S>/X.npy (2-D float32, rows in random order) and y.npy (1-D float64, 1 = anomaly) and
OUT_DIR/tables.json (name and anomaly definition of every table written). The seed draws the down-sampled anomalies
and the synthetic data, so every seed is a different draw of the same table. Unsupervised protocol: the detectors
fit on all of X (anomalies included, unlabelled) and score the same rows. No data of R's mlbench is used.

Tables (ODDS-style down-sampling: the anomaly class is reduced to a few percent of the rows):
  breastw     scikit-learn's Wisconsin diagnostic breast cancer: 357 benign normal, malignant drawn to 10 % of rows (40)
  digits      scikit-learn's digits (8x8): classes 1-9 normal (1,619), 80 zeros drawn as anomalies
  wine        scikit-learn's wine: classes 2 and 3 normal (119), 10 rows of class 1 drawn as anomalies (ODDS wine)
  iris        scikit-learn's iris: versicolor and virginica normal (100), 5 setosa drawn as anomalies
  fmnist-C    Fashion-MNIST test images: class C's 1,000 normal, 53 drawn from the nine other classes (5 % of rows);
              pixels / 255; C in fmnist-0, fmnist-5, fmnist-9
  local, global, dependency, clustered
              the four synthetic anomaly types of ADBench (Han et al. 2022, Section 3.2), on generated data: 2,000 rows
              (1,900 normal, 100 anomalies), 12 features. Normal rows (local, global, clustered) come from a Gaussian
              mixture of 3 components (means uniform in [-3, 3], random full covariances); anomalies:
                local      the same mixture with every covariance scaled by alpha = 5
                global     uniform per feature over [min * 1.1, max * 1.1] of the normal rows (ADBench's percentage 0.1)
                clustered  the same mixture with every mean scaled by alpha = 5
                dependency normal rows from a multivariate Gaussian with a random correlation (3 latent factors; ADBench
                           fits a vine copula to real data), anomalies sample every feature independently from a
                           Gaussian KDE of that feature's normal values (ADBench's GaussianKDE marginals)
  large       (only when asked for) 50,000 x 10: a 3-component Gaussian mixture, 5 % global anomalies as above
"""
import argparse, gzip, json, os
import numpy as np

TABLES = ["breastw", "digits", "wine", "iris", "fmnist-0", "fmnist-5", "fmnist-9",
          "local", "global", "dependency", "clustered"]
OPTIONAL = ["large"]

DESCRIPTIONS = {
    "breastw": "scikit-learn breast cancer: 357 benign rows normal, 40 malignant rows drawn (10 % of rows)",
    "digits": "scikit-learn digits: classes 1-9 normal (1,619 rows), 80 zeros drawn as anomalies",
    "wine": "scikit-learn wine: classes 2 and 3 normal (119 rows), 10 rows of class 1 drawn as anomalies",
    "iris": "scikit-learn iris: versicolor and virginica normal (100 rows), 5 setosa drawn as anomalies",
    "fmnist": "Fashion-MNIST test images: class {c} normal (1,000), 53 images of the other classes drawn (5 %), pixels in [0, 1]",
    "local": "ADBench local: 3-component Gaussian mixture, anomalies from it with covariances x 5",
    "global": "ADBench global: 3-component Gaussian mixture, anomalies uniform over 1.1 x each feature's min/max",
    "dependency": "ADBench dependency: correlated Gaussian (3 factors), anomalies from independent per-feature KDE marginals",
    "clustered": "ADBench clustered: 3-component Gaussian mixture, anomalies from it with means x 5",
    "large": "50,000 x 10: 3-component Gaussian mixture, 5 % global anomalies (uniform over 1.1 x each feature's min/max)",
}

SYNTHETIC_NORMAL, SYNTHETIC_ANOMALIES, SYNTHETIC_FEATURES = 1900, 100, 12


def down_sampled(rng, normal, anomalous, anomalies):
    chosen = anomalous[rng.choice(len(anomalous), anomalies, replace=False)]
    return normal, chosen


def bundled(name, rng):
    from sklearn import datasets
    if name == "breastw":
        d = datasets.load_breast_cancer()  # target 0 = malignant, 1 = benign
        return down_sampled(rng, d.data[d.target == 1], d.data[d.target == 0], 40)
    if name == "digits":
        d = datasets.load_digits()
        return down_sampled(rng, d.data[d.target != 0], d.data[d.target == 0], 80)
    if name == "wine":
        d = datasets.load_wine()  # target 0, 1, 2 = classes 1, 2, 3
        return down_sampled(rng, d.data[d.target != 0], d.data[d.target == 0], 10)
    if name == "iris":
        d = datasets.load_iris()  # target 0 = setosa
        return down_sampled(rng, d.data[d.target != 0], d.data[d.target == 0], 5)
    raise KeyError(name)


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def fashion_mnist(directory, normal_class, rng):
    images = idx(os.path.join(directory, "t10k-images-idx3-ubyte.gz")).reshape(-1, 784).astype(np.float64) / 255.0
    labels = idx(os.path.join(directory, "t10k-labels-idx1-ubyte.gz"))
    normal = images[labels == normal_class]
    anomalies = round(len(normal) * 0.05 / 0.95)
    return down_sampled(rng, normal, images[labels != normal_class], anomalies)


def random_covariance(rng, d):
    a = rng.normal(size=(d, d))
    return a @ a.T / d + 0.1 * np.eye(d)


def mixture(rng, d, components=3):
    means = rng.uniform(-3, 3, size=(components, d))
    covariances = [random_covariance(rng, d) for _ in range(components)]
    weights = rng.dirichlet(np.full(components, 5.0))
    return means, covariances, weights


def sample_mixture(rng, n, means, covariances, weights):
    counts = rng.multinomial(n, weights)
    return np.concatenate([rng.multivariate_normal(means[k], covariances[k], size=counts[k]) for k in range(len(weights))])


def global_anomalies(rng, normal, n, percentage=0.1):
    # ADBench: uniform over [min * (1 + p), max * (1 + p)] per feature.
    low = normal.min(axis=0) * (1 + percentage)
    high = normal.max(axis=0) * (1 + percentage)
    return rng.uniform(np.minimum(low, high), np.maximum(low, high), size=(n, normal.shape[1]))


def synthetic(name, rng):
    d = SYNTHETIC_FEATURES
    if name == "dependency":
        from scipy.stats import gaussian_kde
        loadings = rng.normal(size=(d, 3))
        covariance = loadings @ loadings.T + np.diag(rng.uniform(0.05, 0.3, size=d))
        sd = np.sqrt(np.diag(covariance))
        correlation = covariance / np.outer(sd, sd)
        normal = rng.multivariate_normal(rng.uniform(-3, 3, size=d), correlation, size=SYNTHETIC_NORMAL)
        anomalies = np.column_stack([
            gaussian_kde(normal[:, j]).resample(SYNTHETIC_ANOMALIES, seed=rng)[0] for j in range(d)])
        return normal, anomalies
    if name == "large":
        means, covariances, weights = mixture(rng, 10)
        normal = sample_mixture(rng, 47_500, means, covariances, weights)
        return normal, global_anomalies(rng, normal, 2_500)
    means, covariances, weights = mixture(rng, d)
    normal = sample_mixture(rng, SYNTHETIC_NORMAL, means, covariances, weights)
    if name == "local":
        return normal, sample_mixture(rng, SYNTHETIC_ANOMALIES, means, [5 * c for c in covariances], weights)
    if name == "clustered":
        return normal, sample_mixture(rng, SYNTHETIC_ANOMALIES, 5 * means, covariances, weights)
    if name == "global":
        return normal, global_anomalies(rng, normal, SYNTHETIC_ANOMALIES)
    raise KeyError(name)


def table(name, seed, fashion):
    # One generator per table and seed, so a table's rows do not depend on which other tables run.
    rng = np.random.default_rng([seed, sum(name.encode())])
    if name.startswith("fmnist-"):
        normal, anomalies = fashion_mnist(fashion, int(name.split("-")[1]), rng)
    elif name in ("breastw", "digits", "wine", "iris"):
        normal, anomalies = bundled(name, rng)
    else:
        normal, anomalies = synthetic(name, rng)
    x = np.concatenate([normal, anomalies]).astype(np.float32)
    y = np.concatenate([np.zeros(len(normal)), np.ones(len(anomalies))])
    order = rng.permutation(len(y))
    return x[order], y[order]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir")
    parser.add_argument("--seeds", default="1,2,3,4,5")
    parser.add_argument("--tables", default=",".join(TABLES))
    parser.add_argument("--fashion-mnist", default="/usr/share/datasets/fashion-mnist")
    a = parser.parse_args()
    names = a.tables.split(",")
    unknown = [n for n in names if n not in TABLES + OPTIONAL]
    if unknown:
        raise SystemExit(f"unknown tables {unknown}; known: {', '.join(TABLES + OPTIONAL)}")
    described = []
    for name in names:
        for seed in (int(s) for s in a.seeds.split(",")):
            x, y = table(name, seed, a.fashion_mnist)
            directory = os.path.join(a.out_dir, name, f"seed{seed}")
            os.makedirs(directory, exist_ok=True)
            np.save(os.path.join(directory, "X.npy"), x)
            np.save(os.path.join(directory, "y.npy"), y)
        key = "fmnist" if name.startswith("fmnist-") else name
        described.append({"name": name, "description": DESCRIPTIONS[key].format(c=name.split("-")[-1])})
        print(f"{name}_rows {x.shape[0]}\n{name}_features {x.shape[1]}\n{name}_anomalies {int(y.sum())}", flush=True)
    with open(os.path.join(a.out_dir, "tables.json"), "w") as f:
        json.dump(described, f, indent=1)


if __name__ == "__main__":
    main()
