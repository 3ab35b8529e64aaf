using LearnProgress.Core;
using LearnProgress.Core.Catalog;
using LearnProgress.Core.Progress;
using LearnProgress.Tests.Infrastructure;

namespace LearnProgress.Tests.Store;

/// <summary>The behaviour every system of record behind the store port must show; one subclass per adapter.</summary>
public abstract class StoreContract
{
    private readonly string _user = Unique.Id("u");
    private readonly string _course = Unique.Id("c");

    protected abstract IProgressStore Store { get; }

    private CourseProgressSnapshot Snapshot(params (string Lecture, LectureProgress Progress)[] lectures) =>
        new(_user, _course, lectures.ToDictionary(l => l.Lecture, l => l.Progress));

    private static FlushBatch Batch(params CourseProgressSnapshot[] progress) => new(progress, []);

    [Fact]
    public async Task An_upserted_batch_is_read_back()
    {
        await Store.UpsertProgressAsync(Batch(Snapshot(("l1", new(12.5, 1_000, 30)), ("l2", new(3, 2_000, 3)))));

        var progress = await Store.ReadProgressAsync(_user, _course);

        Assert.Equal(new LectureProgress(12.5, 1_000, 30), progress["l1"]);
        Assert.Equal(new LectureProgress(3, 2_000, 3), progress["l2"]);
        Assert.Empty(await Store.ReadProgressAsync(_user, Unique.Id("c")));
    }

    [Fact]
    public async Task Replaying_a_batch_changes_nothing()
    {
        var batch = Batch(Snapshot(("l1", new(40, 5_000, 90))));
        await Store.UpsertProgressAsync(batch);
        var once = await Store.ReadProgressAsync(_user, _course);

        await Store.UpsertProgressAsync(batch);

        Assert.Equal(once, await Store.ReadProgressAsync(_user, _course));
    }

    [Fact]
    public async Task An_older_snapshot_never_moves_resume_back_nor_lowers_furthest()
    {
        await Store.UpsertProgressAsync(Batch(Snapshot(("l1", new(40, 5_000, 90)))));

        await Store.UpsertProgressAsync(Batch(Snapshot(("l1", new(10, 4_000, 10)))));
        Assert.Equal(new LectureProgress(40, 5_000, 90), (await Store.ReadProgressAsync(_user, _course))["l1"]);

        await Store.UpsertProgressAsync(Batch(Snapshot(("l1", new(5, 6_000, 50)))));
        Assert.Equal(new LectureProgress(5, 6_000, 90), (await Store.ReadProgressAsync(_user, _course))["l1"]);
    }

    [Fact]
    public async Task A_batch_of_many_learners_is_written_whole()
    {
        var users = Enumerable.Range(0, 300).Select(_ => Unique.Id("u")).ToList();
        await Store.UpsertProgressAsync(new FlushBatch(users.Select(u =>
            new CourseProgressSnapshot(u, _course, new Dictionary<string, LectureProgress> { ["l1"] = new(1, 1, 1) })).ToList(), []));

        foreach (var user in users.Take(20))
            Assert.Equal(1, (await Store.ReadProgressAsync(user, _course))["l1"].Position);
    }

    [Fact]
    public async Task The_catalog_keeps_its_lecture_counter_in_step()
    {
        Assert.True(await Store.CreateCourseAsync(_course, "Algebra"));
        Assert.False(await Store.CreateCourseAsync(_course, "Again"));

        Assert.Equal(LectureWrite.Created, await Store.PutLectureAsync(_course, new Lecture("l1", "Intro", 600)));
        Assert.Equal(LectureWrite.Created, await Store.PutLectureAsync(_course, new Lecture("l2", "Next", 300)));
        Assert.Equal(LectureWrite.Updated, await Store.PutLectureAsync(_course, new Lecture("l1", "Intro v2", 660)));
        var course = await Store.GetCourseAsync(_course);
        Assert.NotNull(course);
        Assert.Equal(("Algebra", 2), (course.Title, course.TotalLectures));
        Assert.Equal(new Lecture("l1", "Intro v2", 660), course.FindLecture("l1"));

        Assert.True(await Store.DeleteLectureAsync(_course, "l2"));
        Assert.False(await Store.DeleteLectureAsync(_course, "l2"));
        course = await Store.GetCourseAsync(_course);
        Assert.Equal(1, course!.TotalLectures);
        Assert.Equal(["l1"], course.Lectures.Select(l => l.Id));
    }

    [Fact]
    public async Task Lectures_of_an_unknown_course_are_refused()
    {
        Assert.Null(await Store.GetCourseAsync(_course));
        Assert.Equal(LectureWrite.CourseNotFound, await Store.PutLectureAsync(_course, new Lecture("l1", "Intro", 600)));
        Assert.False(await Store.DeleteLectureAsync(_course, "l1"));
    }

    [Fact]
    public async Task Concurrent_lecture_adds_count_each_lecture_once()
    {
        await Store.CreateCourseAsync(_course, "Busy");

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Store.PutLectureAsync(_course, new Lecture($"l{i % 10}", "t", 60))));

        Assert.Equal(10, (await Store.GetCourseAsync(_course))!.TotalLectures);
    }
}
