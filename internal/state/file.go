package state

import (
	"bytes"
	"encoding/json"
)

// File is a Terraform state file as the tool reads it, whether from disk or
// from `tofu state pull`: the one decoder of the format. Fields a state may
// lack are pointers or raw; an OpenTofu encrypted state keeps only serial and
// lineage readable beside its ciphertext.
type File struct {
	Version   *int              `json:"version"`
	Serial    *int64            `json:"serial"`
	Lineage   *string           `json:"lineage"`
	Resources []json.RawMessage `json:"resources"`
	// Outputs is kept raw: the shape of a value is tofu's business, and
	// comparing two states compares it as written.
	Outputs       json.RawMessage `json:"outputs"`
	EncryptedData json.RawMessage `json:"encrypted_data"`
}

// ParseFile decodes a state's content. It checks only that the fields above
// have their types; Validate says whether the result is a usable state.
func ParseFile(data []byte) (*File, error) {
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// Encrypted reports whether the state is OpenTofu's encrypted form.
func (f *File) Encrypted() bool {
	d := bytes.TrimSpace(f.EncryptedData)
	return len(d) > 0 && !bytes.Equal(d, []byte("null")) && !bytes.Equal(d, []byte(`""`))
}

// SerialOrZero and LineageOrEmpty read the head of a state that may lack it
// (an encrypted one, a pulled one).
func (f *File) SerialOrZero() int64 {
	if f.Serial == nil {
		return 0
	}
	return *f.Serial
}

func (f *File) LineageOrEmpty() string {
	if f.Lineage == nil {
		return ""
	}
	return *f.Lineage
}

// OutputValues decodes the outputs into v (numbers as json.Number, so that
// they reach inventory.json and terraform-outputs.json as written).
func (f *File) OutputValues(v any) error {
	if len(f.Outputs) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(f.Outputs))
	dec.UseNumber()
	return dec.Decode(v)
}
