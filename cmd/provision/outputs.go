package main

import (
	"strings"

	"github.com/provision/provision/internal/outputs"
)

// presetList names every output preset.
func presetList() string {
	var names []string
	for _, p := range outputs.Presets() {
		names = append(names, p.Name())
	}
	return strings.Join(names, ", ")
}

// appCheckPresets names the presets whose check tests the settings their
// app runs with (outputs.AppChecker).
func appCheckPresets() []string {
	var names []string
	for _, p := range outputs.Presets() {
		if _, ok := p.(outputs.AppChecker); ok {
			names = append(names, p.Name())
		}
	}
	return names
}
