# The infra-manager's drift check: the script of the clan-terranix-drift unit and what it
# needs. Kept apart from the service so the tests can run its command through the binary.
{ lib, settings }:
let
  dc = settings.driftCheck;
  # systemd's StateDirectory=clan-terranix; the unit gets it as $STATE_DIRECTORY.
  stateDirectory = "/var/lib/clan-terranix";
  statusFile = ''"''${STATE_DIRECTORY:-${stateDirectory}}/drift-status.json"'';
  dir = lib.escapeShellArg settings.clanDirectory;
  args = [
    "--clan"
    settings.clanDirectory
    "--no-color"
    "drift"
    "--all"
  ];

  # Keep the checkout at the remote's branch: a clone the first time, then fetch and a
  # hard reset (the checkout is the service's own; nothing local is worth keeping).
  update = lib.optionalString (dc.remote != null) ''
    remote=${lib.escapeShellArg dc.remote} branch=${lib.escapeShellArg dc.branch}
    if [ ! -e ${dir}/.git ]; then
      git clone --branch "$branch" -- "$remote" ${dir} || fail "git clone of $remote failed"
    else
      git -C ${dir} remote set-url origin "$remote" &&
        git -C ${dir} fetch --prune origin "$branch" &&
        git -C ${dir} checkout --force -B "$branch" FETCH_HEAD &&
        git -C ${dir} clean -ffdx --exclude=.clan-terranix ||
        fail "git fetch of $remote ($branch) failed"
    fi
  '';
in
{
  inherit args stateDirectory;

  environment =
    lib.optionalAttrs (dc.sshKeyFile != null) {
      GIT_SSH_COMMAND = "ssh -i ${lib.escapeShellArg dc.sshKeyFile} -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new";
    }
    // lib.optionalAttrs (dc.sopsAgeKeyFile != null) {
      SOPS_AGE_KEY_FILE = dc.sopsAgeKeyFile;
    };

  # One journal line per run (CLAN_TERRANIX_DRIFT=ok|drift|error) and a JSON status file
  # replaced atomically, for `systemctl status` and monitoring.
  script = ''
    set +e -u  # NixOS runs scripts with -e; exit codes are handled here
    status() {
      commit=$(git -C ${dir} rev-parse --verify -q HEAD 2>/dev/null || echo unknown)
      echo "CLAN_TERRANIX_DRIFT=$1 exit=$2 commit=$commit"
      printf '{"result":"%s","exitCode":%d,"commit":"%s","time":"%s"}\n' \
        "$1" "$2" "$commit" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > ${statusFile}.tmp &&
        mv ${statusFile}.tmp ${statusFile}
    }
    fail() { echo "clan-terranix drift check: $1" >&2; status error 1; exit 1; }
    ${update}
    [ -d ${dir} ] || fail "no clan checkout at "${dir}" (set driftCheck.remote)"
    clan-terranix ${lib.escapeShellArgs args}
    rc=$?
    case $rc in
      0) status ok 0 ;;
      2) status drift 2 ;;
      *) status error "$rc" ;;
    esac
    exit $rc
  '';
}
