package emulator

import (
	"fmt"
	"hash/fnv"
	"regexp"
	"sort"
)

const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// newUUID returns a random (version 4) uuid from the seeded source.
func (e *Emulator) newUUID() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(e.rnd.Intn(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// randomString returns n alphanumeric characters from the seeded source,
// like authentik's generate_id / generate_key.
func (e *Emulator) randomString(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alnum[e.rnd.Intn(len(alnum))]
	}
	return string(b)
}

var uuidRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$`)

func isUUID(s string) bool { return uuidRe.MatchString(s) }

// scramble returns a copy of vals in a deterministic order that depends on the
// seed and the values but never on the order they were sent in, so that no
// client can rely on the order of many-to-many lists.
func scramble[T any](seed int64, vals []T) []T {
	out := make([]T, len(vals))
	copy(out, vals)
	key := func(v T) uint64 {
		h := fnv.New64a()
		fmt.Fprintf(h, "%d/%v", seed, v)
		return h.Sum64()
	}
	sort.SliceStable(out, func(i, j int) bool { return key(out[i]) < key(out[j]) })
	return out
}
