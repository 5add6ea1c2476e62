# The nixpkgs module-system markers (mkIf, mkMerge, mkOverride, mkOrder and
# friends), with builtins only. They build the very same `_type` attrsets as
# nixpkgs' lib/modules.nix, so the merge in terranix.nix treats markers from
# this file and from a user's nixpkgs lib alike.
rec {
  mkIf = condition: content: { _type = "if"; inherit condition content; };
  mkMerge = contents: { _type = "merge"; inherit contents; };
  mkOverride = priority: content: { _type = "override"; inherit priority content; };
  mkOptionDefault = mkOverride 1500;
  mkDefault = mkOverride 1000;
  mkImageMediaOverride = mkOverride 60;
  mkForce = mkOverride 50;
  mkVMOverride = mkOverride 10;
  mkOrder = priority: content: { _type = "order"; inherit priority content; };
  mkBefore = mkOrder 500;
  mkAfter = mkOrder 1500;
  defaultOverridePriority = 100;
  defaultOrderPriority = 1000;
  # As nixpkgs: the condition throws when the assertion fails.
  mkAssert = assertion: message: content:
    mkIf (if assertion then true else throw "\nFailed assertion: ${message}") content;

  # Options as nixpkgs declares them (same formals: an unknown attribute is
  # Nix's own "unexpected argument" error, as with nixpkgs). modules.nix merges
  # an option exactly as nixpkgs does when its type is one of those below with
  # a `kind`; any other type, `apply` and `readOnly` are refused when the
  # option's value is used (see modules.nix).
  mkOption =
    { default ? null, defaultText ? null, example ? null, description ? null, relatedPackages ? null,
      type ? null, apply ? null, internal ? null, visible ? null, readOnly ? null }@attrs:
    attrs // {
      _type = "option";
      __clanTerranixPos =
        let p = builtins.unsafeGetAttrPos (if attrs ? apply then "apply" else if attrs ? type then "type" else builtins.head (builtins.attrNames attrs ++ [ "" ])) attrs;
        in if p == null then null else "${p.file}:${toString p.line}";
    };
  mkEnableOption = name: mkOption { default = false; example = true; description = "Whether to enable ${name}."; type = types.bool; };
  mkPackageOption = _: name: _: mkOption { description = "The ${name} package."; type = types.package; };
  types =
    let
      b = builtins;
      # kind: how modules.nix merges it, as nixpkgs' merge function of that type.
      type = name: kind: check: { _type = "option-type"; inherit name kind check; };
      unsupported = name: { _type = "option-type"; inherit name; kind = "unsupported"; check = _: true; };
      equal = name: check: type name "equal" check;
      int = equal "int" b.isInt;
      between = lo: hi: equal "intBetween" (x: b.isInt x && x >= lo && x <= hi);
      separatedString = sep: type "separatedString" "separated" b.isString // { inherit sep; };
      nested = name: elemType: type name name (if name == "listOf" then b.isList else b.isAttrs) // { inherit elemType; };
    in
    {
      bool = equal "bool" b.isBool;
      inherit int;
      float = equal "float" b.isFloat;
      str = equal "str" b.isString;
      enum = values: equal "enum" (v: b.elem v values);
      ints = {
        inherit between;
        unsigned = equal "unsignedInt" (x: b.isInt x && x >= 0);
        positive = equal "positiveInt" (x: b.isInt x && x > 0);
        u8 = between 0 255; u16 = between 0 65535; u32 = between 0 4294967295;
        s8 = between (-128) 127; s16 = between (-32768) 32767; s32 = between (-2147483648) 2147483647;
        port = between 0 65535;
      };
      port = between 0 65535;
      inherit separatedString;
      lines = separatedString "\n";
      commas = separatedString ",";
      envVar = separatedString ":";
      attrs = type "attrs" "attrs" b.isAttrs;
      unspecified = type "unspecified" "unspecified" (_: true);
      raw = type "raw" "unique" (_: true);
      nullOr = elemType: type "nullOr" "nullOr" (x: x == null || elemType.check x) // { inherit elemType; };
      listOf = nested "listOf";
      attrsOf = nested "attrsOf";
      # Not reimplemented: their merges (or their checks) are nixpkgs' own.
      anything = unsupported "anything"; package = unsupported "package"; path = unsupported "path";
      pathInStore = unsupported "pathInStore"; number = unsupported "number"; nonEmptyStr = unsupported "nonEmptyStr";
      singleLineStr = unsupported "singleLineStr"; string = unsupported "string"; boolByOr = unsupported "boolByOr";
      lazyAttrsOf = _: unsupported "lazyAttrsOf"; uniq = _: unsupported "uniq"; unique = _: _: unsupported "unique";
      either = _: _: unsupported "either"; oneOf = _: unsupported "oneOf"; coercedTo = _: _: _: unsupported "coercedTo";
      functionTo = _: unsupported "functionTo"; strMatching = _: unsupported "strMatching";
      submodule = _: unsupported "submodule"; submoduleWith = _: unsupported "submoduleWith";
      deferredModule = unsupported "deferredModule"; deferredModuleWith = _: unsupported "deferredModuleWith";
      attrTag = _: unsupported "attrTag"; addCheck = t: _: unsupported "addCheck"; numbers = { between = _: _: unsupported "numbers.between"; nonnegative = unsupported "numbers.nonnegative"; positive = unsupported "numbers.positive"; };
    };
  mkOptionType = { name, ... }: types.unspecified // { kind = "unsupported"; inherit name; };
}
