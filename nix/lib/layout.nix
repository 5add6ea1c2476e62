# The plan's layout read by Nix itself, for flake mode (where the Go side's
# clan.Discover cannot hand over absolute paths): the same shape as Go's
# clan.Layout, with root the clan's source (a store path inside a flake).
root:
let
  b = builtins;
  r = if b.isAttrs root then root.outPath else b.toString root;
  hasSuffix = s: x: let l = b.stringLength x; n = b.stringLength s; in l >= n && b.substring (l - n) n x == s;
  entries = dir: if b.pathExists dir then b.readDir dir else { };
  nixFiles = dir: b.attrValues (named dir);
  # A linked .nix file counts as the file it leads to, as in files mode
  # (Go's clan.Confined, which also refuses links leading outside the clan
  # before Nix runs). In the flake's source copy a link whose target was
  # left out (untracked in git) leads nowhere: skipping it would destroy
  # its resources on the next apply, so it is an error.
  named = dir: let e = entries dir; in b.listToAttrs (map (n: { name = b.substring 0 (b.stringLength n - 4) n; value = linked dir n e.${n}; })
    (b.filter (n: (e.${n} == "regular" || e.${n} == "symlink") && hasSuffix ".nix" n) (b.attrNames e)));
  linked = dir: n: type: let p = "${dir}/${n}"; in
    if type == "regular" || b.pathExists p then p
    else b.throw "clan-terranix: ${b.substring (b.stringLength r + 1) (b.stringLength p) p} is a symbolic link to a file that is not in the flake's source (untracked in git, or outside the clan): commit the file it leads to";
  existing = p: if b.pathExists p then p else "";
  machineDirs = let e = entries "${r}/machines"; in
    b.filter (n: e.${n} == "directory" && b.substring 0 1 n != ".") (b.attrNames e);
in
{
  root = r;
  shared = nixFiles "${r}/inventory/infrastructure/shared";
  machines = b.listToAttrs (map (m: {
    name = m;
    value = {
      dir = "${r}/machines/${m}";
      infrastructure = existing "${r}/machines/${m}/infrastructure.nix";
      configuration = existing "${r}/machines/${m}/configuration.nix";
    };
  }) machineDirs);
  modules = named "${r}/inventory/infrastructure/modules";
  providers = named "${r}/inventory/infrastructure/providers";
  tags = named "${r}/inventory/tags";
  inventoryJson = existing "${r}/inventory.json";
  clanNix = existing "${r}/clan.nix";
  service = existing "${r}/inventory/services/terranix.nix";
}
