# The clan as Clan sees it: clan-core's evaluated inventory (`clan.inventory`
# of the `clan` flake output, what `clan-core.lib.clan` computes) in the shape
# clan.nix reads. Machines, tags and targetHost come merged from every place
# Clan takes them (clan.nix and its imports, flake-parts `clan = { }`,
# inventory.json, machines/); nothing is re-read from files here.
# Role settings are clan-core's serializable deferred modules: their one
# definition is unwrapped to the plain value the user wrote.
clanInventory:
let
  b = builtins;
  inherit (import ./lib.nix { }) recursiveUpdate;

  unwrap = s:
    if !(b.isAttrs s) then { }
    else b.foldl' (acc: i: recursiveUpdate acc (unwrap i)) (b.removeAttrs s [ "imports" "_file" ]) (s.imports or [ ]);
  role = r: {
    settings = unwrap (r.settings or { });
    machines = b.mapAttrs (_: m: { settings = unwrap (m.settings or { }); }) (r.machines or { });
    tags = b.mapAttrs (_: t: { settings = unwrap (t.settings or { }); }) (r.tags or { });
  };

  # Where inventory.json's definitions come from: every other definition of a
  # machine's deploy.targetHost is Nix's, and the write-back must leave it alone.
  # A machine given as a module function may set it: it counts.
  jsonFile = b.toString (clanInventory._inventoryFile or "");
  definesHost = machine:
    let r = b.tryEval (b.isFunction machine || ((machine.deploy or { }).targetHost or null) != null); in
    !r.success || r.value;
  setByNix = b.listToAttrs (b.concatMap
    (def:
      if b.toString def.file == jsonFile || !(b.isAttrs def.value) then [ ]
      else map (m: { name = m; value = true; }) (b.filter (m: definesHost def.value.${m}) (b.attrNames def.value)))
    (clanInventory.options.machines.definitionsWithLocations or [ ]));
  json = if jsonFile != "" && b.pathExists jsonFile then b.fromJSON (b.readFile jsonFile) else { };
  jsonValue = m: (((json.machines or { }).${m} or { }).deploy or { }).targetHost or null;
in
{
  machines = b.mapAttrs
    (m: machine: {
      inherit (machine) tags machineClass;
      deploy.targetHost = machine.deploy.targetHost;
      targetHostSetByNix = machine.deploy.targetHost != null
        && (machine.deploy.targetHost != jsonValue m || setByNix ? ${m});
    })
    clanInventory.machines;
  instances = b.mapAttrs
    (_: i: { module.name = i.module.name; roles = b.mapAttrs (_: role) i.roles; })
    (clanInventory.instances or { });
}
