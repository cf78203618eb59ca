package dotenv

import (
	"errors"
	"fmt"
	"strings"
)

// Render is UpdateFile's computation without the write: every value checked
// (CheckValue), existing merged with vars (Merge) and the result verified
// to read back as intended. With prune, assignments below the Marker
// comment whose key vars does not set are removed first: those are lines
// provision wrote before and no longer produces. Every other byte is kept.
func Render(existing []byte, vars []Var, prune bool) (out []byte, changed bool, err error) {
	var errs []error
	for _, v := range vars {
		if err := CheckValue(v.Key, v.Value); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, false, errors.Join(errs...)
	}
	before, err := Parse(existing)
	if err != nil {
		return nil, false, err
	}
	base := existing
	if prune {
		keep := map[string]bool{}
		for _, v := range vars {
			keep[v.Key] = true
		}
		base = Prune(existing, func(k string) bool { return keep[k] })
		if before, err = Parse(base); err != nil {
			return nil, false, err
		}
	}
	out, _ = Merge(base, vars)
	if err := verify(before, out, vars); err != nil {
		return nil, false, fmt.Errorf("%w; fix the file by hand", err)
	}
	return out, string(out) != string(existing), nil
}

// Prune removes the assignments below the Marker comment whose key keep
// rejects, each with its line terminator. Content without the Marker is
// returned as it is.
func Prune(data []byte, keep func(key string) bool) []byte {
	text, orig := normalize(data)
	mark := markerEnd(text)
	if mark < 0 {
		return data
	}
	var b []byte
	last := 0
	for _, a := range scan(text) {
		if a.start < mark || keep(a.key) {
			continue
		}
		next := nextLine(text, a.end)
		if next > len(text) {
			next = len(text)
		}
		b = append(b, data[last:orig[a.start]]...)
		last = orig[next]
	}
	if last == 0 {
		return data
	}
	return append(b, data[last:]...)
}

// markerEnd is the offset just after the Marker line, or -1.
func markerEnd(text string) int {
	off := 0
	for _, line := range strings.SplitAfter(text, "\n") {
		off += len(line)
		if strings.TrimSpace(line) == Marker {
			return off
		}
	}
	return -1
}
