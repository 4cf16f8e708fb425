#!/usr/bin/env bash
# Runs the PyTorch reference (/work/shared/reference) and records its output in benchmarks/results/,
# plus how many cores other processes used meanwhile (the machine may be shared; see README.md).
#   benchmarks/run-reference.sh [epochs] [kind] [latent] [suffix]
#   e.g. benchmarks/run-reference.sh 20 ae 32          -> results/reference-pytorch-ae-32.txt (quality figures)
#        benchmarks/run-reference.sh 3 ae 32 speed     -> results/reference-pytorch-ae-32-speed.txt (speed, on a quiet machine)
# Needs: apt-get install -y dataset-fashion-mnist python3-torch python3-sklearn libopenblas0-pthread
set -euo pipefail
epochs=${1:-20}; kind=${2:-ae}; latent=${3:-32}; suffix=${4:+-$4}
reference=${REFERENCE_DIR:-/work/shared/reference}
here=$(cd "$(dirname "$0")" && pwd)
out="$here/results/reference-pytorch-$kind-$latent$suffix.txt"
mkdir -p "$here/results"

busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
# Speed figures are only meaningful on an otherwise idle machine: with ATTEMPTS > 1 the run is repeated
# (up to ATTEMPTS times) while other processes used more than MAX_FOREIGN cores on average.
attempts=${ATTEMPTS:-1}; max_foreign=${MAX_FOREIGN:-0.15}
for attempt in $(seq 1 "$attempts"); do
  start_busy=$(busy); start=$(date +%s.%N)
  TIMEFORMAT='%U %S'
  # OPENBLAS_* are unset for this measurement only, as the reference's README says (they force older kernels).
  cpu=$( { time env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 "$reference/pytorch_fmnist_ae.py" "$epochs" "$kind" "$latent" > "$out.tmp" ; } 2>&1 )
  end=$(date +%s.%N); end_busy=$(busy)
  read -r user sys <<< "$cpu"
  foreign=$(awk -v sb="$start_busy" -v eb="$end_busy" -v s="$start" -v e="$end" -v u="$user" -v y="$sys" 'BEGIN { printf "%.2f", ((eb - sb) / 100 - u - y) / (e - s) }')
  {
    echo "# PyTorch reference: python3 pytorch_fmnist_ae.py $epochs $kind $latent (OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset)"
    echo "# date $(date -Is), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
    echo "# python3-torch $(dpkg-query -W -f='${Version}' python3-torch 2>/dev/null || echo '?')"
    awk -v s="$start" -v e="$end" -v u="$user" -v y="$sys" -v f="$foreign" -v a="$attempt" \
      'BEGIN { printf "# wall %.1f s, reference cpu %.1f s, other processes used %s cores on average (attempt %d)\n", e - s, u + y, f, a }'
    cat "$out.tmp"
  } > "$out"
  if awk -v f="$foreign" -v m="$max_foreign" 'BEGIN { exit !(f <= m) }'; then break; fi
  echo "attempt $attempt: other processes used $foreign cores; $([ "$attempt" -lt "$attempts" ] && echo retrying || echo keeping it)" >&2
done
rm -f "$out.tmp"
cat "$out"
