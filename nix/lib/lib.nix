# The `lib` module argument. Without nixpkgs it is this builtins-only lib:
# the module markers, the helpers Terranix configurations commonly use, and
# Terranix's own helpers (lib.tf, lib.tfRef). With nixpkgs' lib (flake mode)
# it is that lib plus the same Terranix and clan helpers.
# builtinsOnly: the builtins-only evaluator's lib, where lib.tf.template's
# `text` (pkgs.writeText in Terranix) is refused: builtins.toFile's store path
# is not the one nixpkgs' writeText derivation gives.
{ nixpkgsLib ? null, clanInfra ? { }, builtinsOnly ? false }:
let
  b = builtins;
  markers = import ./markers.nix;
  writeText = (import ./pkgs.nix { lib = { }; inherit builtinsOnly; }).writeText;

  # Terranix's core/helpers.nix, plus lib.tf.file from its test 15.
  tf = rec {
    ref = ref: "\${${ref}}";
    template = { text ? "", source ? "", variables ? { } }:
      assert (text == "" || source == "") || b.throw "lib.tf.template: You must provide either 'text' or 'source' arguments";
      let file = if text != "" then writeText "template.tftpl" text else source;
      in "templatefile(\"${file}\", ${b.toJSON variables})";
    file = path: ref "file(\"${path}\")";
  };
  terranixHelpers = { inherit tf clanInfra; tfRef = tf.ref; };

  own = rec {
    inherit (b) attrNames attrValues concatLists concatMap elem elemAt filter foldl' fromJSON
      genList hasAttr head isAttrs isBool isFloat isFunction isInt isList isPath isString
      length listToAttrs mapAttrs replaceStrings sort stringLength substring tail toJSON
      toString typeOf zipAttrsWith all any catAttrs groupBy partition intersectAttrs
      removeAttrs seq deepSeq getAttr match split trace pathExists readFile baseNameOf dirOf;
    id = x: x;
    const = x: _: x;
    flip = f: a: c: f c a;
    pipe = b.foldl' (x: f: f x);
    fix = f: let x = f x; in x;
    isDerivation = v: v.type or null == "derivation";

    optional = cond: elem: if cond then [ elem ] else [ ];
    optionals = cond: elems: if cond then elems else [ ];
    optionalAttrs = cond: as: if cond then as else { };
    optionalString = cond: s: if cond then s else "";
    nameValuePair = name: value: { inherit name value; };
    mapAttrs' = f: set: b.listToAttrs (map (n: f n set.${n}) (b.attrNames set));
    mapAttrsToList = f: set: map (n: f n set.${n}) (b.attrNames set);
    attrsToList = mapAttrsToList nameValuePair;
    genAttrs = names: f: b.listToAttrs (map (n: nameValuePair n (f n)) names);
    filterAttrs = pred: set: b.removeAttrs set (b.filter (n: !pred n set.${n}) (b.attrNames set));
    foldAttrs = op: nul: list_of_attrs: b.foldl' (acc: set: acc // b.mapAttrs (n: v: op v (acc.${n} or nul)) set) { } (reverseList list_of_attrs);
    hasAttrByPath = path: set: if path == [ ] then true else set ? ${b.head path} && hasAttrByPath (b.tail path) set.${b.head path};
    attrByPath = path: default: set: if path == [ ] then set else if set ? ${b.head path} then attrByPath (b.tail path) default set.${b.head path} else default;
    getAttrFromPath = path: set: attrByPath path (b.throw "cannot find attribute '${b.concatStringsSep "." path}'") set;
    setAttrByPath = path: value: if path == [ ] then value else { ${b.head path} = setAttrByPath (b.tail path) value; };
    recursiveUpdateUntil = pred: lhs: rhs:
      b.zipAttrsWith (n: vs: if b.length vs == 1 then b.head vs
        else if pred [ n ] (b.elemAt vs 0) (b.elemAt vs 1) then b.elemAt vs 1
        else recursiveUpdateUntil (p: pred ([ n ] ++ p)) (b.elemAt vs 0) (b.elemAt vs 1)) [ lhs rhs ];
    recursiveUpdate = recursiveUpdateUntil (_: l: r: !(b.isAttrs l && b.isAttrs r));
    collect = pred: v: if pred v then [ v ] else if b.isAttrs v then b.concatMap (collect pred) (b.attrValues v) else [ ];
    mapAttrsRecursive = f: mapAttrsRecursiveCond (_: true) f;
    mapAttrsRecursiveCond = cond: f: set:
      let go = path: b.mapAttrs (n: v: if b.isAttrs v && cond v then go (path ++ [ n ]) v else f (path ++ [ n ]) v);
      in go [ ] set;
    concatMapAttrs = f: v: b.foldl' (a: c: a // c) { } (b.attrValues (b.mapAttrs f v));
    concatMapAttrsStringSep = sep: f: attrs: b.concatStringsSep sep (b.attrValues (b.mapAttrs f attrs));
    cartesianProduct = attrsOfLists: b.foldl' (listOfAttrs: attrName:
      b.concatMap (attrs: map (v: attrs // { ${attrName} = v; }) attrsOfLists.${attrName}) listOfAttrs) [ { } ] (b.attrNames attrsOfLists);
    mapCartesianProduct = f: attrsOfLists: map f (cartesianProduct attrsOfLists);
    inherit map;
    concat = x: y: x ++ y;
    replaceString = from: to: b.replaceStrings [ from ] [ to ];
    # nixpkgs' getExe/getExe'/getBin/getName, exactly (only a derivation has a path).
    getOutput = output: pkg: if !pkg ? outputSpecified || !pkg.outputSpecified then pkg.${output} or pkg.out or pkg else pkg;
    getBin = getOutput "bin";
    getName = x: if b.isString x then (b.parseDrvName x).name else x.pname or (b.parseDrvName x.name).name;
    getExe' = x: y:
      assert assertMsg (isDerivation x) "lib.meta.getExe': The first argument is of type ${b.typeOf x}, but it should be a derivation instead.";
      assert assertMsg (b.isString y) "lib.meta.getExe': The second argument is of type ${b.typeOf y}, but it should be a string instead.";
      assert assertMsg (b.match ".*/.*" y == null) "lib.meta.getExe': The second argument \"${y}\" is a nested path with a \"/\" character, but it should just be the name of the executable instead.";
      "${getBin x}/bin/${y}";
    getExe = x: getExe' x (x.meta.mainProgram or (warn "getExe: Package ${x.meta.name or x.pname or x.name} does not have the meta.mainProgram attribute." (getName x)));
    mergeAttrsList = b.foldl' (a: c: a // c) { };
    zipAttrs = b.zipAttrsWith (_: vs: vs);
    unique = b.foldl' (acc: e: if b.elem e acc then acc else acc ++ [ e ]) [ ];
    flatten = x: if b.isList x then b.concatMap flatten x else [ x ];
    range = first: last: if first > last then [ ] else b.genList (n: first + n) (last - first + 1);
    imap0 = f: list: b.genList (n: f n (b.elemAt list n)) (b.length list);
    imap1 = f: list: b.genList (n: f (n + 1) (b.elemAt list n)) (b.length list);
    foldl = op: nul: list: b.foldl' op nul list;
    foldr = op: nul: list: let len = b.length list; fold' = n: if n == len then nul else op (b.elemAt list n) (fold' (n + 1)); in fold' 0;
    reverseList = xs: let l = b.length xs; in b.genList (n: b.elemAt xs (l - n - 1)) l;
    last = list: b.elemAt list (b.length list - 1);
    init = list: b.genList (b.elemAt list) (b.length list - 1);
    take = count: list: b.genList (b.elemAt list) (if count < b.length list then count else b.length list);
    drop = count: list: let l = b.length list; in if count >= l then [ ] else b.genList (n: b.elemAt list (n + count)) (l - count);
    count = pred: b.foldl' (c: x: if pred x then c + 1 else c) 0;
    findFirst = pred: default: list: let found = b.filter pred list; in if found == [ ] then default else b.head found;
    findSingle = pred: default: multiple: list: let found = b.filter pred list; in
      if found == [ ] then default else if b.length found > 1 then multiple else b.head found;
    remove = e: b.filter (x: x != e);
    subtractLists = e: b.filter (x: !(b.elem x e));
    intersectLists = e: b.filter (x: b.elem x e);
    toList = x: if b.isList x then x else [ x ];
    singleton = x: [ x ];
    forEach = xs: f: map f xs;
    zipListsWith = f: fst: snd: b.genList (n: f (b.elemAt fst n) (b.elemAt snd n)) (if b.length fst < b.length snd then b.length fst else b.length snd);
    zipLists = zipListsWith (fst: snd: { inherit fst snd; });
    min = x: y: if x < y then x else y;
    max = x: y: if x > y then x else y;
    mod = base: int: base - (int * (base / int));
    boolToString = v: if v then "true" else "false";

    concatStrings = b.concatStringsSep "";
    concatStringsSep = b.concatStringsSep;
    concatMapStrings = f: list: concatStrings (map f list);
    concatMapStringsSep = sep: f: list: b.concatStringsSep sep (map f list);
    concatImapStrings = f: list: concatStrings (imap1 f list);
    concatImapStringsSep = sep: f: list: b.concatStringsSep sep (imap1 f list);
    concatLines = list: concatStrings (map (s: s + "\n") list);
    stringToCharacters = s: b.genList (p: b.substring p 1 s) (b.stringLength s);
    upperChars = stringToCharacters "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    lowerChars = stringToCharacters "abcdefghijklmnopqrstuvwxyz";
    toUpper = b.replaceStrings lowerChars upperChars;
    toLower = b.replaceStrings upperChars lowerChars;
    hasPrefix = pref: str: b.substring 0 (b.stringLength pref) str == pref;
    hasSuffix = suffix: content: let lc = b.stringLength content; ls = b.stringLength suffix; in
      lc >= ls && b.substring (lc - ls) lc content == suffix;
    hasInfix = infix: content: b.match ".*${escapeRegex infix}.*" "${content}" != null;
    removePrefix = prefix: str: if hasPrefix prefix str then b.substring (b.stringLength prefix) (-1) str else str;
    removeSuffix = suffix: str: if hasSuffix suffix str then b.substring 0 (b.stringLength str - b.stringLength suffix) str else str;
    escapeRegex = b.replaceStrings
      (stringToCharacters "\\[{()^$?*+|.") (map (c: "\\${c}") (stringToCharacters "\\[{()^$?*+|."));
    splitString = sep: s: b.filter b.isString (b.split (escapeRegex (b.toString sep)) (b.toString s));
    trim = s: let m = b.match "[[:space:]]*(.*[^[:space:]])[[:space:]]*" s; in if m == null then "" else b.head m;
    strings = { inherit hasPrefix hasSuffix removePrefix removeSuffix splitString toUpper toLower concatStringsSep trim concatMapAttrsStringSep replaceString getName; };
    # As nixpkgs: a safe string stays unquoted.
    escapeShellArg = arg: let s = b.toString arg; in
      if b.match "[[:alnum:],._+:@%/-]+" s == null then "'${b.replaceStrings [ "'" ] [ "'\\''" ] s}'" else s;
    escapeShellArgs = args: b.concatStringsSep " " (map escapeShellArg args);
    toInt = s: let v = b.fromJSON s; in if b.isInt v then v else b.throw "Could not convert ${s} to int.";
    fileContents = file: removeSuffix "\n" (b.readFile file);

    assertMsg = pred: msg: pred || b.throw msg;
    warn = msg: b.trace "warning: ${msg}";
    warnIf = cond: msg: if cond then warn msg else x: x;
    throwIf = cond: msg: if cond then b.throw msg else x: x;
    throwIfNot = cond: msg: if cond then x: x else b.throw msg;
    versionOlder = v1: v2: b.compareVersions v2 v1 == 1;
    versionAtLeast = v1: v2: !versionOlder v1 v2;

    attrsets = { inherit filterAttrs mapAttrs' mapAttrsToList genAttrs recursiveUpdate nameValuePair attrByPath setAttrByPath concatMapAttrs cartesianProduct mapCartesianProduct getOutput getBin; };
    meta = { inherit getExe getExe'; };
    lists = { inherit optional optionals flatten unique range imap0 imap1 foldl foldr reverseList last init take drop count findFirst map; };
  } // markers;

  # nixpkgs' lib names (nixpkgs-lib-names.json, from the upstream snapshot by
  # TestLibNames -update) this lib does not offer are refused when used, so
  # that no nixpkgs function fails as a mere "attribute missing". In the
  # namespaces (lib.strings...) a name this lib has is the same function.
  names = b.fromJSON (b.readFile ./nixpkgs-lib-names.json);
  refused = path: import ./refuse.nix "lib.${path}" "this function of nixpkgs' lib";
  namespace = ns: b.listToAttrs (map (n: { name = n; value = own.${n} or (refused "${ns}.${n}"); }) names.${ns}) // own.${ns};
  needsNixpkgs = b.listToAttrs (map (n: { name = n; value = refused n; }) names.top)
    // b.listToAttrs (map (ns: { name = ns; value = namespace ns; }) [ "attrsets" "lists" "strings" "meta" ]);
in
if nixpkgsLib != null then
  nixpkgsLib // { mkAssert = nixpkgsLib.mkAssert or markers.mkAssert; } // terranixHelpers
else
  needsNixpkgs // b.removeAttrs own [ "attrsets" "lists" "strings" "meta" ] // terranixHelpers
