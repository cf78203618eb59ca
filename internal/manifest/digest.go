package manifest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
)

// Digest is the SHA-256 of the manifest's raw files as Load reads them
// (before ${VAR} substitution): each file's name relative to path, then its
// bytes, in Load's order. It does not depend on where the checkout lives,
// so a plan saved in one CI job matches the same commit in another.
func Digest(path string) (string, error) {
	files, err := manifestFiles(path)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return "", fmt.Errorf("read manifest: %w", err)
		}
		name := filepath.Base(f)
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.ToSlash(name), len(data))
		h.Write(data)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}
