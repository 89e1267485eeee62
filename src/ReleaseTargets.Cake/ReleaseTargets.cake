// ReleaseTargets Cake recipe (filled in by the Cake layer work).
