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

  # Options are accepted so that reusable modules declaring their own options
  # evaluate; only `default` is used (as an mkOptionDefault definition).
  mkOption = args: args // { _type = "option"; };
  mkEnableOption = name: mkOption { default = false; description = "Whether to enable ${name}."; };
  mkPackageOption = _: name: args: mkOption ({ description = "The ${name} package."; } // args);
  types =
    let
      type = name: { _type = "option-type"; inherit name; };
      typeOf1 = name: elem: type name // { nestedTypes.elemType = elem; };
    in
    {
      anything = type "anything"; attrs = type "attrs"; bool = type "bool"; float = type "float";
      int = type "int"; ints = { positive = type "int"; unsigned = type "int"; between = _: _: type "int"; port = type "int"; };
      lines = type "lines"; number = type "number"; path = type "path"; port = type "int";
      raw = type "raw"; str = type "str"; nonEmptyStr = type "str"; singleLineStr = type "str";
      string = type "str"; unspecified = type "unspecified"; package = type "package";
      attrsOf = typeOf1 "attrsOf"; lazyAttrsOf = typeOf1 "lazyAttrsOf"; listOf = typeOf1 "listOf";
      nullOr = typeOf1 "nullOr"; uniq = typeOf1 "uniq"; unique = _: typeOf1 "unique";
      either = a: b: type "either"; oneOf = _: type "oneOf"; enum = _: type "enum";
      submodule = _: type "submodule"; submoduleWith = _: type "submodule";
      coercedTo = _: _: t: t; functionTo = typeOf1 "functionTo"; strMatching = _: type "str";
      separatedString = _: type "str"; commas = type "str"; envVar = type "str";
    };
}
