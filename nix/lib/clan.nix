# A clan's workspaces from its layout (the JSON of Go's clan.Layout): the
# `shared` workspace, one workspace per machine with infrastructure, the
# machines' tags and the terranix service's settings, all evaluated in one
# Nix process. Output: the JSON of Go's nixeval.Result.
# clanInventory is clan-core's evaluated inventory (flake mode, see
# inventory.nix): machines, tags, targetHost and service instances then come
# from it; without it they are read from clan.nix, inventory.json and
# inventory/services/terranix.nix as well as can be without Clan.
{ layout, withNulls ? false, nixpkgsLib ? null, nixpkgsPkgs ? null, nixosConfigurations ? { }, clanInventory ? null }:
let
  b = builtins;
  moduleSystem = import ./modules.nix;
  terranix = import ./terranix.nix;
  nonNull = v: default: if v == null then default else v;
  # Flake mode hands store paths as strings with context: those import as they are.
  toPath = s: if b.isPath s || b.hasContext s then s else /. + s;
  pathsIn = attrs: b.mapAttrs (_: toPath) (nonNull attrs { });
  clanInfra = { modules = pathsIn layout.modules; providers = pathsIn layout.providers; };
  # With nixpkgs' lib, workspaces are evaluated on nixpkgs' module system.
  onNixpkgs = if nixpkgsLib == null then null else import ./nixpkgs/terranix.nix { lib = nixpkgsLib; pkgs = nixpkgsPkgs; inherit clanInfra; };
  lib = if onNixpkgs != null then onNixpkgs.lib else import ./lib.nix { inherit clanInfra; builtinsOnly = true; };
  pkgs = if onNixpkgs != null then onNixpkgs.pkgs else import ./pkgs.nix { inherit lib; builtinsOnly = true; };
  own = import ./lib.nix { inherit clanInfra; };
  inherit (own) recursiveUpdate unique filterAttrs;

  # Best effort reading of values written for the NixOS/Clan module system:
  # markers are resolved, conditions that cannot be decided here are not.
  resolve = v:
    let t = v._type or null; in
    if t == "if" then (if v.condition then resolve v.content else { })
    else if t == "merge" then b.foldl' (acc: c: recursiveUpdate acc (resolve c)) { } v.contents
    else if t == "override" || t == "order" then resolve v.content
    else v;
  resolveDeep = v: let r = resolve v; in if b.isAttrs r && !(r ? _type) then b.mapAttrs (_: resolveDeep) r else r;
  stubArgs = file: extra: {
    inherit lib pkgs;
    options = { };
    modulesPath = b.throw "clan-terranix: ${file} uses modulesPath, which needs flake mode";
    self = b.throw "clan-terranix: ${file} uses self, which needs flake mode";
    inputs = b.throw "clan-terranix: ${file} uses inputs, which needs flake mode";
  } // extra;
  importWith = file: extra: resolve (moduleSystem.callModule (stubArgs file extra) file (import (toPath file)));
  optionalFile = f: if f == null || f == "" then null else f;

  clanNix = if optionalFile (layout.clanNix or null) == null then { } else
    let v = importWith layout.clanNix { config = v; }; in resolve (v.inventory or { });
  inventoryJson = if optionalFile (layout.inventoryJson or null) == null then { } else b.fromJSON (b.readFile layout.inventoryJson);
  service = if optionalFile (layout.service or null) == null then { } else
    let v = importWith layout.service { }; in resolve (v.instances or v.inventory.instances or { });

  evaluatedInventory = if clanInventory == null then null else import ./inventory.nix clanInventory;
  fromClan = evaluatedInventory != null;

  instances = if fromClan then evaluatedInventory.instances else recursiveUpdate (recursiveUpdate service (resolve (clanNix.instances or { }))) (inventoryJson.instances or { });
  terranixInstances = b.filter (i: (resolve (i.module or { })).name or null == "terranix") (b.attrValues instances);
  roleOf = role: i: resolve (resolve (i.roles or { })).${role} or { };

  # Machines: folders under machines/ and machines of the inventory.
  inventoryMachines = if fromClan then evaluatedInventory.machines else recursiveUpdate (resolve (clanNix.machines or { })) (inventoryJson.machines or { });
  layoutMachines = nonNull layout.machines { };
  machineNames = b.attrNames (inventoryMachines // layoutMachines);

  configurationOf = m:
    let file = optionalFile (layoutMachines.${m}.configuration or null); in
    if file == null then { terranix = { }; tags = [ ]; } else
    let
      imported = importWith file { config = self; name = m; };
      value = if b.isAttrs imported then imported
        else b.throw "clan-terranix: ${file} is ${moduleSystem.kindName imported}, expected a NixOS module (an attribute set or a function returning one)";
      cfg = if value ? config || value ? options then resolve (value.config or { }) else value;
      self = recursiveUpdate cfg { networking.hostName = m; clan.core.settings.machine.name = m; };
    in
    {
      terranix = resolveDeep ((resolve (cfg.clan or { })).terranix or { });
      tags = resolve (cfg.clanCore.tags or (resolve (resolve (cfg.clan or { })).core or { }).tags or [ ]);
      targetHost = b.tryEval (resolve ((resolve ((resolve ((resolve (cfg.clan or { })).core or { })).networking or { })).targetHost or null));
    };
  configurations = b.listToAttrs (map (m: { name = m; value = configurationOf m; }) machineNames);

  tagsOf = m:
    let inv = resolve (inventoryMachines.${m} or { }); in
    b.sort (x: y: x < y) (unique (resolve (inv.tags or [ ]) ++ configurations.${m}.tags
      ++ [ "all" (if (inv.machineClass or "nixos") == "darwin" then "darwin" else "nixos") ]));
  machineTags = b.listToAttrs (map (m: { name = m; value = tagsOf m; }) machineNames);

  isMember = m: role: (b.isAttrs (role.machines or { }) && (role.machines or { }) ? ${m})
    || b.any (t: let tags = role.tags or { }; in if b.isList tags then b.elem t tags else tags ? ${t}) machineTags.${m};
  # Role settings, then those of each of the machine's tags the role names, then the machine's own.
  tagSettings = m: role:
    let tags = resolve (role.tags or { }); in
    if !(b.isAttrs tags) then { } else
    b.foldl' (acc: t: recursiveUpdate acc (resolveDeep ((resolve tags.${t}).settings or { }))) { }
      (b.filter (t: b.elem t machineTags.${m}) (b.attrNames tags));
  settingsOf = m:
    let
      fromInventory = b.foldl'
        (acc: i: let role = roleOf "machine" i; in
          if isMember m role
          then b.foldl' recursiveUpdate acc [ (resolveDeep (role.settings or { })) (tagSettings m role) (resolveDeep ((role.machines or { }).${m}.settings or { })) ]
          else acc)
        { }
        terranixInstances;
    in
    recursiveUpdate fromInventory configurations.${m}.terranix;

  relativeTo = root: s: if b.isPath s then s else if b.substring 0 1 s == "/" then toPath s else toPath "${root}/${s}";
  # JSON must not copy paths into the Nix store.
  plain = v: if b.isPath v then b.toString v else if b.isAttrs v then b.mapAttrs (_: plain) v
    else if b.isList v then map plain v else if b.isFunction v then null else v;

  clanArg = { machines = b.mapAttrs (_: tags: { inherit tags; }) machineTags; };
  machineWorkspace = m:
    let
      s = settingsOf m;
      infra = if s ? infrastructure && s.infrastructure != null then relativeTo layout.root s.infrastructure
        else if optionalFile (layoutMachines.${m}.infrastructure or null) != null then toPath layoutMachines.${m}.infrastructure
        else null;
      enable = let v = s.enable or null; in
        if v == null || b.isBool v then v
        else b.throw "clan-terranix: clan.terranix.enable of machine ${m} is ${moduleSystem.kindName v}, expected true or false";
      dependsOn = let v = s.dependsOn or [ ]; in
        if b.isList v && b.all b.isString v then v
        else b.throw "clan-terranix: clan.terranix.dependsOn of machine ${m} must be a list of workspace names, like [ \"shared\" ]";
      tags = machineTags.${m};
      settings = plain (b.removeAttrs s [ "enable" "infrastructure" "dependsOn" ]);
    in
    {
      active = enable != false && (infra != null || enable == true);
      kind = "machine";
      machine = m;
      inherit tags settings;
      inherit dependsOn;
      modules = (if infra == null then [ ] else [ infra ])
        ++ map (t: toPath layout.tags.${t}) (b.filter (t: (nonNull layout.tags { }) ? ${t}) tags);
      args = { machine = { name = m; inherit tags settings; }; nixosConfig = nixosConfigurations.${m}.config or (b.throw "nixosConfig needs flake mode: workspace ${m} is evaluated without NixOS (use machine.name for the host name)"); };
    };

  machineWorkspaces = b.listToAttrs (b.filter (w: w.value.active) (map (m: { name = m; value = machineWorkspace m; }) machineNames));
  sharedFiles = nonNull layout.shared [ ];
  sharedWorkspace = if sharedFiles == [ ] then { } else {
    shared = {
      kind = "shared"; tags = [ ]; dependsOn = [ ];
      modules = map toPath sharedFiles;
      args = { machine = b.throw "the module argument machine is only set in machine workspaces, not in shared"; nixosConfig = b.throw "nixosConfig is only set in machine workspaces, not in shared"; };
    };
  };
  workspaces = sharedWorkspace // machineWorkspaces;

  evaluated = b.mapAttrs
    (name: w:
      if onNixpkgs != null then onNixpkgs.eval {
        inherit (w) modules;
        inherit withNulls;
        args = { inherit name; clan = clanArg; } // w.args;
      }
      else terranix.eval {
        inherit (w) modules;
        inherit withNulls;
        rootFile = "<workspace ${name}>";
        args = { inherit lib pkgs name; clan = clanArg; } // w.args;
      })
    workspaces;

  warnings =
    let
      pairs = b.concatMap (ws: map (msg: { inherit ws msg; }) evaluated.${ws}.warnings) (b.attrNames evaluated);
      grouped = b.groupBy (p: p.msg) pairs;
    in
    map (msg: "${msg} (workspace ${b.concatStringsSep ", " (map (p: p.ws) grouped.${msg})})") (b.attrNames grouped);
  # Whether Nix itself sets the machine's target host (clan.nix's inventory or the NixOS
  # option clan.core.networking.targetHost): the Clan CLI's write-back must not override it.
  clanNixMachines = resolve (clanNix.machines or { });
  nixSetsTargetHost = m:
    (if fromClan then inventoryMachines.${m}.targetHostSetByNix or false
      else ((resolve ((resolve (clanNixMachines.${m} or { })).deploy or { })).targetHost or null) != null)
    || (let t = configurations.${m}.targetHost or { success = false; }; in t.success && t.value != null);
in
{
  workspaces = b.mapAttrs
    (name: w: b.removeAttrs w [ "modules" "args" "active" ] // {
      files = map b.toString evaluated.${name}.files;
      # The markers name the workspace of an error without --show-trace
      # (Go's nixeval.workspaceRe): the last one before it, if not "done".
      config = let json = evaluated.${name}.json; in
        b.trace "clan-terranix: workspace ${name}" (b.addErrorContext "while evaluating workspace ${name}"
          (b.deepSeq json (b.trace "clan-terranix: workspace ${name} done" json)));
    })
    workspaces;
  machines = b.mapAttrs (m: tags: { inherit tags; enabled = machineWorkspaces ? ${m}; targetHostSetByNix = nixSetsTargetHost m;
    targetHost = (resolve ((resolve (inventoryMachines.${m} or { })).deploy or { })).targetHost or null; }) machineTags;
  # Where machines, tags, targetHost and service instances came from.
  inventory = if fromClan then "clan" else "files";
  settings = plain (b.foldl' (acc: i: recursiveUpdate acc (resolve ((roleOf "infra-manager" i).settings or { }))) { } terranixInstances);
  inherit warnings;
  evaluator = if onNixpkgs != null then { kind = "nixpkgs"; version = lib.version or ""; } else { kind = "builtins"; };
}
