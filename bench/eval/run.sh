#!/usr/bin/env bash
# Benchmark of one evaluation of a whole clan: generated clans of 10, 100 and
# 500 machines (each machine's infrastructure.nix imports a shared reusable
# module, and each machine carries a tag whose tag file adds a provider), all
# evaluated by nix/lib/eval.nix in one nix-instantiate process, as
# `clan-terranix` runs it. Prints a markdown table of wall time and max RSS
# (median of RUNS runs, /usr/bin/time -v).
#
# Usage: bench/eval/run.sh [SIZES...]   (default: 10 100 500; RUNS=5)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
lib=$(cd "$here/../../nix/lib" && pwd)
sizes=("${@:-10 100 500}")
read -r -a sizes <<<"${sizes[*]}"
runs=${RUNS:-5}
work=$(mktemp -d)
# KEEP=1 keeps the generated clans and outputs for inspection.
if [ -n "${KEEP:-}" ]; then echo "clans in $work" >&2; else trap 'rm -rf "$work"' EXIT; fi

command -v nix-instantiate >/dev/null || { echo "nix-instantiate not found: run scripts/bootstrap" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found (apt-get install time)" >&2; exit 1; }

generate() { # generate DIR N: a clan of N machines and its layout.json
	local dir=$1 n=$2 i tag
	mkdir -p "$dir/inventory/infrastructure/"{shared,modules,providers} "$dir/inventory/tags"
	cat >"$dir/inventory/infrastructure/shared/network.nix" <<'NIX'
{ resource.terraform_data.network = { input = "10.0.0.0/16"; }; output.network.value = "\${terraform_data.network.output}"; }
NIX
	cat >"$dir/inventory/infrastructure/modules/server.nix" <<'NIX'
{ lib, machine, ... }: {
  resource.terraform_data."${machine.name}" = {
    input = { name = machine.name; tags = machine.tags; size = lib.mkDefault "small"; };
    triggers_replace = [ "\${data.terraform_remote_state.shared.outputs.network}" ];
  };
  output.id.value = "\${terraform_data.${machine.name}.id}";
}
NIX
	cat >"$dir/inventory/infrastructure/providers/local.nix" <<'NIX'
{ terraform.required_providers.local.source = "hashicorp/local"; provider.local = { }; }
NIX
	for tag in web db; do
		cat >"$dir/inventory/tags/$tag.nix" <<NIX
{ lib, machine, ... }: {
  imports = [ lib.clanInfra.providers.local ];
  resource.local_file."\${machine.name}-$tag" = { filename = "\${machine.name}.$tag"; content = machine.name; };
}
NIX
	done
	{
		printf '{"root":"%s","shared":["%s"],' "$dir" "$dir/inventory/infrastructure/shared/network.nix"
		printf '"modules":{"server":"%s"},"providers":{"local":"%s"},' "$dir/inventory/infrastructure/modules/server.nix" "$dir/inventory/infrastructure/providers/local.nix"
		printf '"tags":{"web":"%s","db":"%s"},"inventoryJson":"%s","machines":{' "$dir/inventory/tags/web.nix" "$dir/inventory/tags/db.nix" "$dir/inventory.json"
		for ((i = 0; i < n; i++)); do
			mkdir -p "$dir/machines/m$i"
			cat >"$dir/machines/m$i/infrastructure.nix" <<'NIX'
{ lib, ... }: { imports = [ lib.clanInfra.modules.server ]; }
NIX
			[ "$i" -gt 0 ] && printf ','
			printf '"m%d":{"dir":"%s","infrastructure":"%s"}' "$i" "$dir/machines/m$i" "$dir/machines/m$i/infrastructure.nix"
		done
		printf '}}\n'
	} >"$dir/layout.json"
	{
		printf '{"machines":{'
		for ((i = 0; i < n; i++)); do
			tag=web; [ $((i % 2)) -eq 1 ] && tag=db
			[ "$i" -gt 0 ] && printf ','
			printf '"m%d":{"tags":["%s"]}' "$i" "$tag"
		done
		printf '}}\n'
	} >"$dir/inventory.json"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "| machines | workspaces | wall (s) | max RSS (MB) |"
echo "|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
	dir="$work/clan-$n"
	generate "$dir" "$n"
	out="$work/out-$n.json"
	walls=() rss=()
	for ((r = 0; r < runs; r++)); do
		/usr/bin/time -v -o "$work/time" nix-instantiate --eval --strict --json \
			"$lib/eval.nix" --argstr layoutFile "$dir/layout.json" --arg withNulls false >"$out"
		walls+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {split($2, t, ":"); print t[1] * 60 + t[2]}' "$work/time")")
		rss+=("$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$work/time")")
	done
	workspaces=$(grep -o '"kind":"[a-z]*"' "$out" | wc -l)
	printf '| %d | %d | %s | %s |\n' "$n" "$workspaces" \
		"$(printf '%s\n' "${walls[@]}" | median)" "$(printf '%s\n' "${rss[@]}" | median)"
done
