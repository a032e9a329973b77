using System.Globalization;
using LiteDB;

namespace EdgeSync.Agent.Tests.Storage;

/// <summary>The store's LiteDB file opened directly, as the store opens it, to edit what is on disk behind its back.</summary>
internal static class RawStore
{
    public static LiteDatabase Open(string path) => new(new ConnectionString
    {
        Filename = path,
        Connection = ConnectionType.Direct,
        Collation = new Collation(CultureInfo.InvariantCulture.LCID, CompareOptions.Ordinal),
    });
}
