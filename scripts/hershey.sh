#!/usr/bin/env bash
# Fetches the Hershey single-stroke fonts the trainer's "not a digit" examples are drawn from
# (trainer/data/hershey/*.jhf) out of Debian's hershey-fonts-data package, and checks each
# against the SHA-256 the trainer pins (trainer/src/sets/hershey.rs). The fonts' licence asks that
# this acknowledgement travel with them: the Hershey Fonts were originally created by Dr.
# A. V. Hershey while working at the U. S. National Bureau of Standards; the format of the font
# data was originally created by James Hurt, Cognition, Inc.
#
#   scripts/hershey.sh
#
# Needs apt-get (Debian or Ubuntu); nothing is installed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$ROOT/trainer/data/hershey"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download hershey-fonts-data)
dpkg-deb -x "$work"/hershey-fonts-data_*.deb "$work/x"
mkdir -p "$dest"
for font in futural scripts cursive japanese mathlow gothiceng music symbolic greek cyrillic astrology; do
  cp "$work/x/usr/share/hershey-fonts/$font.jhf" "$dest/"
done
# The same checksums as trainer/src/sets/hershey.rs.
(cd "$dest" && sha256sum --check --quiet <<'SUMS'
4958a1d06ea04709feb530deaab53d1efa1285d0d3e92a4a3edd74d279871ced  futural.jhf
6b391b2ea3a0771cf18caff0ed111db3d05681fa586d423a740cc0b2b155a873  scripts.jhf
9667a2c6424bc89f992738ff97de204a8580d92ef353e32b8014d9d7b106cd0b  cursive.jhf
9935d0c696fb16d02c8929ccfe98ba3045fbd9416855a09aafbb3b98a58f0039  japanese.jhf
746f23a6dfd61adee3a33819e8d57df3a9f42421e5d2337b9ed0efa2d70e87a1  mathlow.jhf
2d7a62784906897ca3707ae73423c319295567efbf2c27825d3b72c28d00c061  gothiceng.jhf
7bb7cbd44aa5f1612e1099a550f500aebc82baecec8be5f8753f6dce7e1da833  music.jhf
6bbac712b6dfa626afcfd9c5c2c2082e957c995cfa50d7174a3ca0c53d888851  symbolic.jhf
827d2e1dc4f5a5a235efd7c78d30b559822a7c7f3984206c41d382bd14e2ce29  greek.jhf
0266865d94001fe26a642fbf20d2134de295dcfd2ca320d092b4d6476acda044  cyrillic.jhf
15dd0008ad35fd253b9955fd4460eb3bec9b7354881bd39a0e12e87f2305692c  astrology.jhf
SUMS
)
echo "hershey: $dest holds the eleven fonts, checked"
