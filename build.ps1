# .\build.ps1 [Target] [--parameter=value ...]
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'; $env:DOTNET_NOLOGO = '1'

$target = $null; $rest = @()
foreach ($arg in $args) { if (-not $target -and -not "$arg".StartsWith('-')) { $target = $arg } else { $rest += $arg } }

$temp = Join-Path $PSScriptRoot '.nuke/temp'; $module = Join-Path $temp 'module'
New-Item -ItemType Directory -Force $temp | Out-Null
dotnet tool restore | Out-Null
$stamp = Join-Path $module '.stamp'
# Cake's script cache skips the Roslyn compile of build.cake; cleared when the module is republished (see build.sh).
$env:CAKE_SETTINGS_ENABLESCRIPTCACHE = 'true'; $env:CAKE_PATHS_CACHE = Join-Path $temp 'cake-script-cache'
if (-not $env:DOTNET_TieredPGO) { $env:DOTNET_TieredPGO = '0' }   # short process: see build.sh
if (-not $env:DOTNET_TC_CallCountThreshold) { $env:DOTNET_TC_CallCountThreshold = '1000' }
$stale = -not (Test-Path $stamp) -or (Get-ChildItem src, Directory.Build.props, Directory.Packages.props -Recurse -File |
    Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' -and $_.LastWriteTime -gt (Get-Item $stamp).LastWriteTime })
if ($stale) {
  Remove-Item -Recurse -Force -ErrorAction SilentlyContinue $env:CAKE_PATHS_CACHE
  dotnet publish src/ReleaseTargets.Cake/ReleaseTargets.Cake.csproj -c Release -o $module --nologo -v quiet -p:GenerateDocumentationFile=false
  if ($LASTEXITCODE) { exit $LASTEXITCODE }
  New-Item -ItemType File -Force $stamp | Out-Null
}
$targetArg = @(); if ($target) { $targetArg = @("--target=$target") }
dotnet cake build/build.cake @targetArg @rest
exit $LASTEXITCODE
