package nixeval

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// lockedStorePath is where Nix keeps a flake.lock node's source once
// fetched: its narHash names the content-addressed path
// /nix/store/<hash>-source (Nix's makeFixedOutputPath for a recursive
// sha256 without references). "" when the node has no sha256 narHash.
func lockedStorePath(locked map[string]any) string {
	sri, _ := locked["narHash"].(string)
	b64, ok := strings.CutPrefix(sri, "sha256-")
	if !ok {
		return ""
	}
	nar, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(nar) != sha256.Size {
		return ""
	}
	fingerprint := sha256.Sum256([]byte("source:sha256:" + hex.EncodeToString(nar) + ":/nix/store:source"))
	var compressed [20]byte
	for i, b := range fingerprint {
		compressed[i%20] ^= b
	}
	return "/nix/store/" + nixBase32(compressed[:]) + "-source"
}

// nixBase32 is Nix's base-32 encoding (its own alphabet, last byte first).
func nixBase32(hash []byte) string {
	const alphabet = "0123456789abcdfghijklmnpqrsvwxyz"
	n := (len(hash)*8-1)/5 + 1
	out := make([]byte, 0, n)
	for i := n - 1; i >= 0; i-- {
		bit := i * 5
		j, k := bit/8, uint(bit%8)
		c := hash[j] >> k
		if j+1 < len(hash) {
			c |= hash[j+1] << (8 - k)
		}
		out = append(out, alphabet[c&0x1f])
	}
	return string(out)
}
