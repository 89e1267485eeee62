using ReleaseTargets.Tests.Infrastructure;

namespace ReleaseTargets.Tests.Emulator;

/// <summary>Test classes marked <c>[Collection("Azurite")]</c> share one emulator.</summary>
[CollectionDefinition("Azurite")]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
}
