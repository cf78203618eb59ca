package main

import "runtime/debug"

// buildVersion is what --version prints and the User-Agent carries: the
// -ldflags version when a release build set one; else the module version
// (go install module@vX.Y.Z); else the VCS revision the binary was built
// from, with "-dirty" when the work tree had changes. A checkout build
// therefore never says a bare "dev".
func buildVersion() string {
	if version != "dev" && version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return version
	}
	return versionFromBuildInfo(info)
}

func versionFromBuildInfo(info *debug.BuildInfo) string {
	v := info.Main.Version
	if v == "" || v == "(devel)" {
		v = "dev"
	}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev == "" {
		if v == "dev" {
			// go run, or a git worktree (the go command stamps only
			// a checkout whose .git is a directory).
			return "dev (built without version control information)"
		}
		return v
	}
	extra := "revision " + rev
	if modified == "true" {
		extra += ", dirty"
	}
	return v + " (" + extra + ")"
}
