# Sourced by the install scripts: `apt_prepare <script> <packages>` checks that apt-get is there and that the script
# runs as root or can use sudo (else it says what to install and exits 1), and sets the array `sudo` to prefix
# commands with; `apt_install <packages>` installs without questions or recommended extras.
apt_prepare() {
  local script=$1 packages=$2
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "$script: apt-get not found; install $packages with your package manager" >&2
    exit 1
  fi

  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "$script: run as root (or install sudo): apt-get install $packages" >&2
      exit 1
    fi
    sudo=(sudo)
  fi
}

apt_install() {
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}
