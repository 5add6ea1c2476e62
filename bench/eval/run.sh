#!/usr/bin/env bash
# Benchmark of one evaluation of a whole clan, side by side in one run: generated
# clans of N machines (each machine's infrastructure.nix imports a shared reusable
# module, each machine carries a tag whose tag file adds a provider; a shared
# workspace), evaluated by
#   nixpkgs   `clan-terranix list --nixpkgs $UPSTREAM/nixpkgs-lib`: the whole run up to
#             the workspaces and their graph (composition, Nix on nixpkgs' module
#             system, remote-state wiring), evaluation cache removed before each run
#   builtins  the same without nixpkgs: the builtins-only evaluator
#   terranix  real Terranix (core/default.nix of $UPSTREAM/terranix on the same nixpkgs
#             lib) evaluating the same workspaces' modules in one nix-instantiate
#             process (bench/eval/real-terranix.nix)
#   error     `clan-terranix list --nixpkgs ...` when one machine's file fails
#   cached    `clan-terranix list --nixpkgs ...` again with nothing changed (no Nix runs:
#             the evaluation cache), beside `git status` of the same clan
# Wall time, CPU time (user + system, of the process and its children: steadier than wall
# time on a shared machine) and max RSS (/usr/bin/time -v; for clan-terranix the largest of
# it and its Nix child) are the median of RUNS runs, the three evaluators taking turns.
#
# Usage: bench/eval/run.sh [SIZES...]   (default: 10 100 500 1000; RUNS=5;
#        UPSTREAM defaults to ../shared/upstream beside the checkout)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
upstream=${UPSTREAM:-$repo/../shared/upstream}
sizes=("${@:-10 100 500 1000}")
read -r -a sizes <<<"${sizes[*]}"
runs=${RUNS:-5}
work=$(mktemp -d)
# KEEP=1 keeps the generated clans and outputs for inspection.
if [ -n "${KEEP:-}" ]; then echo "clans in $work" >&2; else trap 'rm -rf "$work"' EXIT; fi

command -v nix-instantiate >/dev/null || { echo "nix-instantiate not found: run scripts/bootstrap" >&2; exit 1; }
[ -f "$upstream/terranix/core/default.nix" ] || { echo "no upstream snapshots at $upstream: set UPSTREAM" >&2; exit 1; }
ct=$work/clan-terranix
(cd "$repo" && go build -o "$ct" ./cmd/clan-terranix)
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
measure() { # measure NAME CMD...: appends wall and RSS to $work/NAME.wall / .rss
	local name=$1; shift
	/usr/bin/time -v -o "$work/time" "$@" >"$work/$name.out" 2>"$work/$name.err" || [ "$name" = error ]
	awk -F': ' '/Elapsed \(wall clock\)/ {split($2, t, ":"); print t[1] * 60 + t[2]}' "$work/time" >>"$work/$name.wall"
	awk -F': ' '/Maximum resident set size/ {printf "%.0f\n", $2 / 1024}' "$work/time" >>"$work/$name.rss"
	awk -F': ' '/(User|System) time \(seconds\)/ {s += $2} END {printf "%.2f\n", s}' "$work/time" >>"$work/$name.cpu"
}
med() { median <"$work/$1.$2"; }

ratio() { awk -v a="$(med "$1" "$3")" -v b="$(med "$2" "$3")" 'BEGIN { printf "%.2f", a / b }'; }
echo "| machines | nixpkgs wall s / CPU s / MB | builtins wall s / CPU s / MB | real Terranix wall s / CPU s / MB | nixpkgs ÷ Terranix wall / CPU / memory | error wall s | cached wall s / CPU s | git status wall s |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
	dir="$work/clan-$n"
	generate "$dir" "$n"
	(cd "$dir" && git init -q && git add -A && git -c user.name=b -c user.email=b@b commit -qm clan)
	rm -f "$work"/*.wall "$work"/*.rss "$work"/*.cpu
	for ((r = 0; r < runs; r++)); do
		# Turns: each run starts with a different evaluator.
		order=(nixpkgs builtins terranix)
		order=("${order[@]:$((r % 3))}" "${order[@]:0:$((r % 3))}")
		for which in "${order[@]}"; do
			rm -f "$dir/.clan-terranix/eval-cache.json"
			case $which in
			nixpkgs) measure nixpkgs "$ct" --clan "$dir" list --nixpkgs "$upstream/nixpkgs-lib" ;;
			builtins) measure builtins "$ct" --clan "$dir" list ;;
			terranix) measure terranix nix-instantiate --eval --strict --json "$here/real-terranix.nix" \
				--argstr layoutFile "$dir/layout.json" --argstr upstream "$upstream" ;;
			esac
		done
		"$ct" --clan "$dir" list --nixpkgs "$upstream/nixpkgs-lib" >/dev/null # fills the cache
		measure cached "$ct" --clan "$dir" list --nixpkgs "$upstream/nixpkgs-lib"
		measure gitstatus git -C "$dir" status --porcelain
		cp "$dir/machines/m0/infrastructure.nix" "$work/saved.nix"
		echo '{ config, ... }: { resource.x.y.z = config.nosuchoption; }' >"$dir/machines/m0/infrastructure.nix"
		measure error "$ct" --clan "$dir" list --nixpkgs "$upstream/nixpkgs-lib"
		cp "$work/saved.nix" "$dir/machines/m0/infrastructure.nix"
	done
	grep -q 'machines/m0/infrastructure.nix:1:.*(workspace m0)' "$work/error.err" || { echo "the error does not name file:line and workspace: $(cat "$work/error.err")" >&2; exit 1; }
	workspaces=$(grep -c '^m[0-9]' "$work/builtins.out" || true)
	[ "$workspaces" -eq "$n" ] || { echo "builtins listed $workspaces machine workspaces, want $n" >&2; exit 1; }
	printf '| %d | %s / %s / %s | %s / %s / %s | %s / %s / %s | %s / %s / %s | %s | %s / %s | %s |\n' "$n" \
		"$(med nixpkgs wall)" "$(med nixpkgs cpu)" "$(med nixpkgs rss)" \
		"$(med builtins wall)" "$(med builtins cpu)" "$(med builtins rss)" \
		"$(med terranix wall)" "$(med terranix cpu)" "$(med terranix rss)" \
		"$(ratio nixpkgs terranix wall)" "$(ratio nixpkgs terranix cpu)" "$(ratio nixpkgs terranix rss)" \
		"$(med error wall)" "$(med cached wall)" "$(med cached cpu)" "$(med gitstatus wall)"
done
