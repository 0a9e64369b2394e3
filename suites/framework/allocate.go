package framework

import (
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/suites/framework/accounts"
)

// Role is a kind of spec that needs test citizens of its own (package
// accounts, re-exported for the specs).
type Role = accounts.Role

// The roles (see accounts.Role).
const (
	RoleEndToEnd   = accounts.RoleEndToEnd
	RoleNegative   = accounts.RoleNegative
	RoleConnection = accounts.RoleConnection
	RolePlatform   = accounts.RolePlatform
	RoleBrowser    = accounts.RoleBrowser
)

// PlatformItems is how many citizens the platform specs use.
const PlatformItems = accounts.PlatformItems

// Allocation maps each (role, item) pair to one of the target's citizens.
type Allocation = accounts.Allocation

// Allocate lays the roles out over the available citizens (accounts.Allocate).
func Allocate(cat *fixtures.Catalog, available int, mutating bool) (*Allocation, error) {
	return accounts.Allocate(cat, available, mutating)
}
