# Collecting Terranix modules and merging their definitions the way nixpkgs'
# module system does for Terranix's options, with builtins only:
#  - imports are collected breadth first with builtins.genericClosure (one
#    copy per file, like nixpkgs' collectModules) and merged in reverse order,
#    as nixpkgs' evalModules does: that is the list order Terranix produces;
#  - mkIf/mkMerge/mkOverride are pushed down at the top level without
#    evaluating conditions, so `config` can be read inside conditions;
#  - below it, every level discharges conditions, keeps the definitions of the
#    best priority and sorts by mkOrder, then merges: attrsets per attribute,
#    lists concatenated, scalars must agree.
#
# Exact or refuse: what it does not do as nixpkgs does (see README.md) throws
# `refusal`, naming the file and line, instead of rendering anything else.
let
  b = builtins;
  markers = import ./markers.nix;

  refusal = import ./refuse.nix;
  posOr = fallback: name: set:
    let p = if b.isAttrs set then b.unsafeGetAttrPos name set else null;
    in if p == null then fallback else "${p.file}:${b.toString p.line}";

  imap1 = f: list: b.genList (n: f (n + 1) (b.elemAt list n)) (b.length list);
  reverseList = xs: let l = b.length xs; in b.genList (n: b.elemAt xs (l - n - 1)) l;
  show = v:
    if b.isString v then b.toJSON v
    else if b.isAttrs v then "{ ${b.concatStringsSep " " (map (n: "${n} = ...;") (b.attrNames v))} }"
    else if b.isList v then "[ ... ]"
    else if b.isFunction v then "<function>"
    else if v == null then "null"
    else b.toJSON v;
  kindName = v: if b.isAttrs v then "an attribute set" else if b.isList v then "a list"
    else if v == null then "null" else "a ${b.typeOf v}";

  # Call a module function as nixpkgs' applyModuleArgs does: with the whole
  # argument set (lib, config, options, specialArgs, _class, _prefix and ours),
  # so a module function without `...` fails with Nix's "called with unexpected
  # argument" as under Terranix. An argument nobody provides fails when used.
  callModule = args: file: f:
    if !b.isFunction f then f
    else
      let
        missing = b.removeAttrs (b.functionArgs f) (b.attrNames args);
        # nixpkgs' own arguments are refused; any other is an error there too.
        extra = b.mapAttrs (n: _:
          if b.elem n [ "extendModules" "moduleType" "noUserModules" "modulesPath" ] then refusal file "the module argument `${n}`"
          else b.throw "clan-terranix: ${file} asks for the module argument '${n}', which is not available (known: ${b.concatStringsSep ", " (b.attrNames args)})") missing;
      in
      f ({ _class = null; _prefix = [ ]; specialArgs = { }; } // args // extra);

  isPathLike = m: b.isPath m || (b.isString m && b.substring 0 1 m == "/");

  loadModule = args: parentFile: anonKey: m:
    let
      fromFile = isPathLike m;
      file = if fromFile then b.toString m else parentFile;
      value = callModule args file (if fromFile then import m else m);
      attrs =
        if b.isAttrs value then value
        else b.throw "clan-terranix: the module in ${file} is ${kindName value}, expected an attribute set or a function returning one";
      # A module is either { imports; options; config; } or shorthand, where
      # everything but the module-system keys is config (nixpkgs'
      # unifyModuleSyntax). A bare marker (mkIf/mkMerge at the root) is config.
      isFull = attrs ? config || attrs ? options;
      moduleKeys = [ "imports" "options" "config" "_file" "key" "disabledModules" "meta" "_class" "freeformType" ];
      stray = b.attrNames (b.removeAttrs attrs moduleKeys);
      refused =
        if attrs ? freeformType then refusal (posOr file "freeformType" attrs) "freeformType"
        else if (attrs.disabledModules or [ ]) != [ ] then refusal (posOr file "disabledModules" attrs) "disabledModules"
        else null;
    in
    if isFull && !(attrs ? _type) && stray != [ ] then
      b.throw "clan-terranix: the module in ${file} has `config` or `options` and also the top-level key \"${b.head stray}\": move it under `config` (as in nixpkgs' module system)"
    else if refused != null then refused
    else
    {
      key = if attrs ? key && !(attrs ? _type) then b.toString attrs.key else if fromFile then file else anonKey;
      inherit file fromFile;
      # Where the module defines a top-level key, for errors about it.
      posOf = n:
        let c = if isFull then attrs.config or { } else attrs;
        in if b.isAttrs c && !(c ? _type) && c ? ${n} then posOr file n c else null;
      imports = if attrs ? _type then [ ] else attrs.require or [ ] ++ attrs.imports or [ ];
      options = attrs.options or { };
      config =
        if attrs ? _type then attrs
        else if isFull then
          (if attrs ? meta then markers.mkMerge [ (attrs.config or { }) { inherit (attrs) meta; } ] else attrs.config or { })
        else b.removeAttrs attrs [ "_class" "_file" "key" "disabledModules" "require" "imports" "freeformType" ];
    };

  absent = { __clanTerranixAbsent = true; };

  pushDown = file: cfg:
    let t = cfg._type or null; in
    if t == "merge" then b.concatMap (pushDown file) cfg.contents
    else if t == "if" then map (b.mapAttrs (_: markers.mkIf cfg.condition)) (pushDown file cfg.content)
    else if t == "override" then map (b.mapAttrs (_: markers.mkOverride cfg.priority)) (pushDown file cfg.content)
    else if b.isAttrs cfg then [ cfg ]
    else b.throw "clan-terranix: the configuration in ${file} is ${kindName cfg}, expected an attribute set";

  discharge = v:
    let t = v._type or null; in
    if t == "merge" then b.concatMap discharge v.contents
    else if t == "if" then
      (if v.condition == true then discharge v.content
      else if v.condition == false then [ ]
      else b.throw "clan-terranix: mkIf called with a non-Boolean condition")
    else [ v ];

  withFile = file: map (value: { inherit file value; });
  priorityOf = d: if (d.value._type or null) == "override" then d.value.priority else 100;
  # As nixpkgs' filterOverrides: the content is not discharged again.
  stripOverride = d: if (d.value._type or null) == "override" then [ (d // { value = d.value.content; }) ] else [ d ];
  orderOf = d: if (d.value._type or null) == "order" then d.value.priority else 1000;
  stripOrder = d: if (d.value._type or null) == "order" then d // { value = d.value.content; } else d;

  # The definitions of one value that count: conditions true, best priority, mkOrder applied.
  finalDefs = defs:
    let
      discharged = b.concatMap (d: withFile d.file (discharge d.value)) defs;
      best = b.foldl' (acc: d: let p = priorityOf d; in if p < acc then p else acc) 100000 discharged;
      kept = b.concatMap stripOverride (b.filter (d: priorityOf d == best) discharged);
    in
    if b.length discharged == 1 && !b.elem ((b.head discharged).value._type or null) [ "override" "order" ] then discharged
    else if b.any (d: (d.value._type or null) == "order") kept
    then map stripOrder (b.sort (x: y: orderOf x < orderOf y) kept)
    else kept;

  merge = path: defs:
    let
      first = b.head defs;
      kind = b.typeOf first.value;
      mixed = b.filter (d: b.typeOf d.value != kind) defs;
    in
    if defs == [ ] then absent
    else if mixed != [ ] then
      b.throw "clan-terranix: ${path} is ${kindName first.value} in ${first.file} but ${kindName (b.head mixed).value} in ${(b.head mixed).file}"
    else if kind == "set" then mergeAttrs path defs
    else if kind == "list" then b.concatMap (d: mergeList path d) defs
    else if kind == "lambda" then
      b.throw "clan-terranix: ${path} in ${first.file} is a function, not a Terraform value (a missing argument?)"
    else if kind == "path" then
      b.throw "clan-terranix: ${path} in ${first.file} is a path, which Terranix refuses (its values are bool, int, float, string, list or attribute set): use toString or a string"
    else
      let different = b.filter (d: d.value != first.value) defs; in
      if different == [ ] then first.value
      else b.throw "clan-terranix: conflicting values for ${path}: ${show first.value} in ${first.file} and ${show (b.head different).value} in ${(b.head different).file}";

  mergeAttrs = path: defs:
    let
      byName =
        if b.length defs == 1 then
          let d = b.head defs; in b.mapAttrs (_: v: finalDefs [ { inherit (d) file; value = v; } ]) d.value
        else
          b.zipAttrsWith (_: finalDefs) (map (d: b.mapAttrs (_: value: { inherit (d) file; inherit value; }) d.value) defs);
      empty = b.filter (n: byName.${n} == [ ]) (b.attrNames byName);
    in
    b.mapAttrs (n: merge "${path}.${n}") (b.removeAttrs byName empty);

  mergeList = path: d:
    b.concatMap
      (elem:
        let v = merge "${path}[]" (finalDefs [ { inherit (d) file; value = elem; } ]);
        in if b.isAttrs v && v ? __clanTerranixAbsent then [ ] else [ v ])
      d.value;

  # Options declared by modules (nixpkgs' mergeOptionDecls, narrowed): one
  # tree whose leaves are { __leaf; file; option; }. An option declared twice,
  # or both as an option and as a set of options, is refused when used.
  showPath = path: b.concatStringsSep "." path;
  isOption = v: (v._type or null) == "option";
  declTree = file: opts:
    if isOption opts then { __leaf = true; inherit file; option = opts; }
    else if b.isAttrs opts then b.mapAttrs (_: declTree file) opts
    else b.throw "clan-terranix: ${file}: an option declaration is ${kindName opts}, expected mkOption or an attribute set of options";
  mergeTrees = path: trees:
    if b.any (t: t.__leaf or false) trees then
      (if b.length trees == 1 then b.head trees
      else refusal (b.head trees).file "declaring the option `${showPath path}' in several modules (or as an option and as a set of options)")
    else b.zipAttrsWith (n: mergeTrees (path ++ [ n ])) trees;

  # The definitions under a set of options, by name, with mkIf/mkMerge/
  # mkOverride pushed down without evaluating conditions (as nixpkgs'
  # pushDownProperties). A name no option declares is nixpkgs' error.
  defsBelow = path: tree: defs:
    let
      pushed = b.concatMap (d: withFile d.file (pushDown d.file d.value)) defs;
      byName = b.zipAttrsWith (_: ds: ds) (map (d: b.mapAttrs (_: value: { inherit (d) file; inherit value; }) d.value) pushed);
      unknown = b.filter (n: !(tree ? ${n})) (b.attrNames byName);
    in
    if unknown != [ ] then
      let n = b.head unknown; in
      b.throw "clan-terranix: ${(b.head byName.${n}).file}: the option `${showPath (path ++ [ n ])}' does not exist (as in nixpkgs' module system, every definition needs a declared option)"
    else byName;

  # Every definition below user-declared options has its option, checked
  # before anything renders: nixpkgs checks this for the whole configuration.
  checkDefined = path: tree: defs:
    if tree.__leaf or false then true
    else let byName = defsBelow path tree defs; in
      b.all (n: checkDefined (path ++ [ n ]) tree.${n} byName.${n}) (b.attrNames byName);

  valueAt = path: tree: defs:
    if tree.__leaf or false then optionValue path tree defs
    else let byName = defsBelow path tree defs; in
      b.mapAttrs (n: t: valueAt (path ++ [ n ]) t (byName.${n} or [ ])) tree;

  supportedType = t: b.isAttrs t && (t._type or null) == "option-type" && (t.kind or "unsupported") != "unsupported"
    && (!(t ? elemType) || supportedType t.elemType);

  optionValue = path: leaf: defs:
    let
      opt = leaf.option;
      where = if (opt.__clanTerranixPos or null) != null then opt.__clanTerranixPos else leaf.file;
      type = if (opt.type or null) == null then markers.types.unspecified else opt.type;
      final = finalDefs (defs ++ (if opt ? default then [ { inherit (leaf) file; value = markers.mkOptionDefault opt.default; } ] else [ ]));
    in
    if (opt.apply or null) != null then refusal where "`apply` (option `${showPath path}')"
    else if (opt.readOnly or null) == true then refusal where "`readOnly` (option `${showPath path}')"
    else if !supportedType type then refusal where "the option type `${type.name or "?"}' (option `${showPath path}')"
    else if final == [ ] then
      b.throw "clan-terranix: the option `${showPath path}' (declared in ${leaf.file}) is used but not defined"
    else typedMerge path type final;

  # nixpkgs' check and merge of the types markers.nix gives a `kind`.
  typedMerge = path: type: defs:
    let
      bad = b.filter (d: !type.check d.value) defs;
      values = map (d: d.value) defs;
      first = b.head defs;
      k = type.kind;
      all = p: b.all p values;
    in
    if bad != [ ] then
      b.throw "clan-terranix: ${(b.head bad).file}: the definition of option `${showPath path}' is not of type `${type.name}': ${show (b.head bad).value}"
    else if k == "equal" then
      (let other = b.filter (d: d.value != first.value) defs; in
      if b.length defs == 1 || other == [ ] then first.value
      else b.throw "clan-terranix: the option `${showPath path}' has conflicting definition values: ${show first.value} in ${first.file} and ${show (b.head other).value} in ${(b.head other).file}")
    else if k == "separated" then b.concatStringsSep type.sep values
    else if k == "attrs" then b.foldl' (res: v: res // v) { } values
    else if k == "unique" then
      (if b.length defs == 1 then first.value
      else b.throw "clan-terranix: the option `${showPath path}' is defined more than once (in ${first.file} and ${(b.elemAt defs 1).file}), and its type `${type.name}' allows one definition")
    else if k == "unspecified" then
      (if b.length values == 1 then first.value
      else if all b.isList then b.concatLists values
      else if all b.isAttrs then b.foldl' (res: v: res // v) { } values
      else if all b.isBool then b.any (v: v) values
      else if all b.isString then b.concatStringsSep "" values
      else if all b.isInt && all (v: v == first.value) then first.value
      else if all b.isFunction then refusal first.file "merging functions (option `${showPath path}')"
      else b.throw "clan-terranix: cannot merge the definitions of option `${showPath path}' (${first.file}): as in nixpkgs, only lists, attribute sets, booleans, strings or equal integers merge")
    else if k == "nullOr" then
      (let nulls = b.filter (d: d.value == null) defs; in
      if nulls == [ ] then typedMerge path type.elemType defs
      else if b.length nulls == b.length defs then null
      else b.throw "clan-terranix: the option `${showPath path}' is defined both null and not null, in ${first.file}")
    else if k == "listOf" then
      b.concatMap (d: b.concatMap (e:
        let f = finalDefs [ { inherit (d) file; value = e; } ];
        in if f == [ ] then [ ] else [ (typedMerge (path ++ [ "[entry]" ]) type.elemType f) ]) d.value) defs
    else if k == "attrsOf" then
      let
        byName = b.zipAttrsWith (_: finalDefs) (map (d: b.mapAttrs (_: value: { inherit (d) file; inherit value; }) d.value) defs);
      in
      b.mapAttrs (n: typedMerge (path ++ [ n ]) type.elemType) (b.removeAttrs byName (b.filter (n: byName.${n} == [ ]) (b.attrNames byName)))
    else refusal first.file "the option type `${type.name}' (option `${showPath path}')";
in
{
  inherit absent merge finalDefs reverseList imap1 kindName callModule discharge refusal posOr;

  # modules: the roots (paths, attrsets or functions). Returns the collected
  # modules and the merged top-level definitions, `merged.<key>` being lazy.
  evalModules = { modules, args, rootFile ? "<clan-terranix>" }:
    let
      collected = b.genericClosure {
        startSet = imap1 (n: loadModule args rootFile "${rootFile}:${b.toString n}") modules;
        operator = item: imap1 (n: loadModule args item.file "${item.key}:anon-${b.toString n}") item.imports;
      };
      ordered = reverseList collected;
      defsOf = m: withFile m.file (pushDown m.file m.config);
      defsByName = b.zipAttrsWith (_: ds: ds)
        (b.concatMap (d: if d.value == { } then [ ] else [ (b.mapAttrs (_: value: { inherit (d) file; inherit value; }) d.value) ]) (b.concatMap defsOf ordered));
      optionTree = mergeTrees [ ] (map (m: declTree m.file m.options) (b.filter (m: m.options != { }) collected));
      declared = b.attrNames optionTree;
    in
    {
      inherit collected defsByName declared;
      positionOf = n: b.head (b.filter (p: p != null) (map (m: m.posOf n) collected) ++ [ (b.head defsByName.${n}).file ]);
      files = map (m: m.file) (b.filter (m: m.fromFile) collected);
      # Top-level keys no module declares are Terranix's magic-merged options.
      merged = b.mapAttrs (n: defs: merge n (finalDefs defs)) (b.removeAttrs defsByName declared)
        // b.mapAttrs (n: t: valueAt [ n ] t (defsByName.${n} or [ ])) optionTree;
      # true, or the error of a definition without its option.
      checked = b.all (n: checkDefined [ n ] optionTree.${n} (defsByName.${n} or [ ])) declared;
    };
}
