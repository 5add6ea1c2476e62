# Terranix's semantics on top of modules.nix: its top-level keys, the
# reference functors of resource/data/ephemeral/module/variable blocks, the
# backend and remote_state shorthands, assertions, null stripping and its
# rendering rules (core/default.nix and core/terraform-options.nix of
# terranix/terranix).
let
  b = builtins;
  markers = import ./markers.nix;
  moduleSystem = import ./modules.nix;

  # Rendered to config.tf.json (Terranix's list plus `check`).
  renderedKeys = [ "check" "data" "ephemeral" "import" "locals" "module" "moved" "output" "provider" "removed" "resource" "terraform" "variable" ];
  # Types whose empty entries Terranix drops.
  droppedWhenEmpty = [ "data" "ephemeral" "resource" ];
  # Known to Terranix but never rendered.
  internalKeys = [ "_meta" "_module" "assertions" "warnings" "backend" "remote_state" ];
  strippedKeys = [ "_module" "_ref" "__functor" "__toString" ];

  withReference = address: block:
    if b.isAttrs block then
      block // {
        __functor = _: attr: "\${${address}.${attr}}";
        __toString = _: "\${${address}}";
      }
    else block;
  mapAttrsOrSkip = f: v: if b.isAttrs v then b.mapAttrs f v else v;
  typedReferences = prefix: mapAttrsOrSkip (type: mapAttrsOrSkip (label: withReference "${prefix}${type}.${label}"));
  namedReferences = prefix: mapAttrsOrSkip (name: withReference "${prefix}${name}");
  references = {
    resource = typedReferences "";
    data = typedReferences "data.";
    ephemeral = typedReferences "ephemeral.";
    module = namedReferences "module.";
    variable = namedReferences "var.";
  };

  # Terranix's modules/terraform/backends.nix, for every backend type.
  shorthands = { config, ... }:
    let
      backends = b.filter (n: config.backend.${n} != null) (b.attrNames config.backend);
      remoteNames = b.concatMap b.attrNames (b.attrValues config.remote_state);
    in
    {
      terraform = markers.mkIf (backends != [ ])
        (markers.mkAssert (b.length backends < 2) "You defined multiple backends, stick to one!"
          { backend = b.listToAttrs (map (n: { name = n; value = config.backend.${n}; }) backends); });
      data = markers.mkIf (remoteNames != [ ])
        (markers.mkAssert (b.length remoteNames == b.length (b.attrNames (b.listToAttrs (map (n: { name = n; value = null; }) remoteNames))))
          "You defined multiple terraform_states with the same name!"
          {
            terraform_remote_state = b.foldl' (acc: type: acc // b.mapAttrs (_: value: { config = value; backend = type; }) config.remote_state.${type}) { }
              (b.attrNames config.remote_state);
          });
    };

  sanitize = withNulls: v:
    if b.isAttrs v then
      b.mapAttrs (_: sanitize withNulls)
        (b.removeAttrs v (strippedKeys ++ (if withNulls then [ ] else b.filter (n: v.${n} == null) (b.attrNames v))))
    else if b.isList v then map (sanitize withNulls) v
    else v;

  editDistance = x: y:
    let
      xs = b.genList (i: b.substring i 1 x) (b.stringLength x);
      ys = b.genList (i: b.substring i 1 y) (b.stringLength y);
      m = b.length ys;
      min = p: q: if p < q then p else q;
      nextRow = prev: i:
        let row = b.genList (j: if j == 0 then i else
          min (min (b.elemAt prev j + 1) (b.elemAt row (j - 1) + 1))
            (b.elemAt prev (j - 1) + (if b.elemAt xs (i - 1) == b.elemAt ys (j - 1) then 0 else 1))) (m + 1);
        in row;
    in b.elemAt (b.foldl' nextRow (b.genList (j: j) (m + 1)) (b.genList (i: i + 1) (b.length xs))) m;
  closest = key: b.foldl' (best: k: let d = editDistance key k; in if d < best.d then { inherit k d; } else best)
    { k = b.head renderedKeys; d = 1000; } renderedKeys;
in
rec {
  inherit renderedKeys editDistance;

  # modules: root modules; args: module arguments besides config.
  # Returns { config (the Terraform JSON value), warnings, files }.
  eval = { modules, args, withNulls ? false, rootFile ? "<clan-terranix>" }:
    let
      evaluated = moduleSystem.evalModules {
        modules = modules ++ [ shorthands ];
        args = args // { inherit config; options = { }; };
        inherit rootFile;
      };
      merged = evaluated.merged;
      defaults = b.listToAttrs (map (name: { inherit name; value = { }; })
        (renderedKeys ++ [ "_meta" "backend" "remote_state" ])) // { assertions = [ ]; warnings = [ ]; };
      present = n: v: if b.isAttrs v && v ? __clanTerranixAbsent then defaults.${n} or { } else v;
      config = b.mapAttrs (n: v: (references.${n} or (x: x)) v)
        (defaults // b.mapAttrs present merged);

      unknown = b.filter (n: !(b.elem n renderedKeys || b.elem n internalKeys || b.elem n evaluated.declared))
        (b.attrNames evaluated.defsByName);
      unknownWarnings = map (n:
        let c = closest n; files = map (d: d.file) evaluated.defsByName.${n}; in
        "${b.head files}: unknown top-level key \"${n}\" is dropped, as Terranix does${if c.d <= 3 then " (did you mean \"${c.k}\"?)" else ""}")
        unknown;

      failed = b.filter (a: !a.assertion) config.assertions;
      rendered =
        let s = sanitize withNulls (b.removeAttrs config ([ "_meta" ] ++ internalKeys));
        in b.foldl' (acc: key:
          let
            v0 = s.${key} or null;
            v = if b.elem key droppedWhenEmpty && b.isAttrs v0 then b.removeAttrs v0 (b.filter (n: v0.${n} == { }) (b.attrNames v0)) else v0;
          in if v == { } || v == null then acc else acc // { ${key} = v; }) { } renderedKeys;
    in
    {
      inherit config;
      json =
        if failed != [ ] then b.throw "Failed assertions:\n${b.concatStringsSep "\n" (map (a: "- ${a.message}") failed)}"
        else rendered;
      warnings = unknownWarnings ++ config.warnings;
      inherit (evaluated) files;
    };
}
