using System.ComponentModel;

namespace LearnProgress.Core.Catalog;

[ImmutableObject(true)]
public sealed record Lecture(string Id, string Title, double DurationSeconds);

/// <summary>A course with its lectures; <see cref="TotalLectures"/> is the counter the store keeps on add and remove.</summary>
// Immutable, so an in-memory cache can hand out the same instance on every hit without copying it.
[ImmutableObject(true)]
public sealed record Course(string Id, string Title, int TotalLectures, IReadOnlyList<Lecture> Lectures)
{
    public Lecture? FindLecture(string lectureId) => Lectures.FirstOrDefault(l => l.Id == lectureId);
}

public enum LectureWrite { Created, Updated, CourseNotFound }
